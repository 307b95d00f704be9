import { defineCheck } from '../../engine/check';
import { judgeCoverage } from './_netpol';

export default defineCheck({
  meta: {
    id: 'network-policy-ingress',
    title: 'A NetworkPolicy restricts ingress',
    pillar: 'security',
    category: 'Network',
    severity: 'medium',
    rationale:
      'Without a NetworkPolicy isolating ingress, every pod in the cluster can connect to this one, so a single compromised pod can reach it directly.',
    remediation: {
      text: 'Select the pods with a NetworkPolicy whose policyTypes include Ingress and allow only the callers that need access (a namespace-wide deny-all plus allow rules is the usual pattern).',
      patch:
        'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: <app>-ingress\nspec:\n  podSelector:\n    matchLabels:\n      app: <app>\n  policyTypes: [Ingress]\n  ingress:\n    - from:\n        - podSelector:\n            matchLabels:\n              app: <caller>\n',
    },
    references: {
      polaris: ['missingNetworkPolicy'],
      kubeScore: ['pod-networkpolicy'],
      kubescape: ['C-0030'],
      cis: ['5.3.2'],
      nsa: ['Network separation and hardening: network policies'],
    },
    defaults:
      'When policyTypes is absent the API server sets it to Ingress, plus Egress if the policy has an egress section; the check applies the same rule to manifests. A policy that isolates ingress with no rules (deny-all) counts as coverage. Host-network pods fail: NetworkPolicies do not apply to them.',
  },
  target: 'workload',
  evaluate: (w, ctx) => judgeCoverage(w, ctx, 'Ingress'),
  fixtures: [
    {
      name: 'a policy with ingress rules passes',
      expect: 'pass',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: api, image: api:1}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}]}]`,
    },
    {
      name: 'a namespace-wide deny-all counts',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop, labels: {app: p}}
spec: {containers: [{name: a, image: a:1}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all, namespace: shop}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}`,
    },
    {
      name: 'no policy fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, labels: {app: p}}
spec: {containers: [{name: a, image: a:1}]}`,
    },
    {
      name: 'an egress-only policy does not cover ingress',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, labels: {app: p}}
spec: {containers: [{name: a, image: a:1}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: egress}
spec:
  podSelector: {matchLabels: {app: p}}
  policyTypes: [Egress]
  ingress: [{from: [{ipBlock: {cidr: 0.0.0.0/0}}]}]`,
    },
    {
      name: 'a policy in another namespace does not select the pod',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: a, labels: {app: p}}
spec: {containers: [{name: a, image: a:1}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all, namespace: b}
spec: {podSelector: {}, policyTypes: [Ingress]}`,
    },
    {
      name: 'matchExpressions are honoured',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, labels: {tier: backend}}
spec: {containers: [{name: a, image: a:1}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: backends}
spec:
  podSelector: {matchExpressions: [{key: tier, operator: In, values: [backend, db]}]}`,
    },
    {
      name: 'a host-network pod cannot be isolated',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, labels: {app: p}}
spec: {hostNetwork: true, containers: [{name: a, image: a:1}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all}
spec: {podSelector: {}, policyTypes: [Ingress]}`,
    },
    {
      name: 'a broken podSelector selects nothing',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, labels: {app: p}}
spec: {containers: [{name: a, image: a:1}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: broken}
spec: {podSelector: {matchExpressions: [{key: app, operator: Near}]}}`,
    },
    {
      name: 'a policy with ingress and egress rules passes (upstream: pass)',
      expect: 'pass',
      upstream: ['kubeScore:pod-networkpolicy', 'polaris:missingNetworkPolicy', 'kubescape:C-0030'],
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress, Egress]
  ingress: [{from: [{podSelector: {matchLabels: {app: client}}}]}]
  egress: [{to: [{podSelector: {matchLabels: {app: db}}}]}]`,
    },
    {
      name: 'no policy selecting the pods fails (upstream: fail)',
      expect: 'fail',
      upstream: ['kubeScore:pod-networkpolicy', 'polaris:missingNetworkPolicy', 'kubescape:C-0030'],
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: other}
spec:
  podSelector: {matchLabels: {app: other}}
  policyTypes: [Ingress, Egress]
  ingress: [{}]
  egress: [{}]`,
    },
  ],
});
