import { defineCheck } from '../../engine/check';
import { judgeCoverage } from './_netpol';

export default defineCheck({
  meta: {
    id: 'network-policy-egress',
    title: 'A NetworkPolicy restricts egress',
    pillar: 'security',
    category: 'Network',
    severity: 'medium',
    rationale:
      'Without egress isolation a compromised pod can reach every other pod, the cloud metadata endpoint and the internet, to move laterally or exfiltrate data.',
    remediation: {
      text: 'Select the pods with a NetworkPolicy whose policyTypes include Egress, allowing DNS and the destinations the application needs.',
      patch:
        'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: <app>-egress\nspec:\n  podSelector:\n    matchLabels:\n      app: <app>\n  policyTypes: [Egress]\n  egress:\n    - to:\n        - namespaceSelector: {}\n          podSelector:\n            matchLabels:\n              k8s-app: kube-dns\n      ports:\n        - {protocol: UDP, port: 53}\n',
    },
    references: {
      polaris: ['missingNetworkPolicy'],
      kubeScore: ['pod-networkpolicy'],
      kubescape: ['C-0030'],
      cis: ['5.3.2'],
      nsa: ['Network separation and hardening: network policies'],
    },
    defaults:
      'When policyTypes is absent the API server sets Egress only if the policy has an egress section; the check applies the same rule to manifests. A policy that isolates egress with no rules (deny-all) counts as coverage. Host-network pods fail: NetworkPolicies do not apply to them.',
  },
  target: 'workload',
  evaluate: (w, ctx) => judgeCoverage(w, ctx, 'Egress'),
  fixtures: [
    {
      name: 'explicit egress rules pass',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, labels: {app: p}}
spec: {containers: [{name: a, image: a:1}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p}
spec:
  podSelector: {matchLabels: {app: p}}
  policyTypes: [Egress]
  egress: [{to: [{podSelector: {matchLabels: {app: db}}}]}]`,
    },
    {
      name: 'an egress section without policyTypes isolates egress',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, labels: {app: p}}
spec: {containers: [{name: a, image: a:1}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p}
spec:
  podSelector: {matchLabels: {app: p}}
  egress: []`,
    },
    {
      name: 'an ingress-only policy (defaulted policyTypes) fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, labels: {app: p}}
spec: {containers: [{name: a, image: a:1}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p}
spec:
  podSelector: {matchLabels: {app: p}}
  ingress: [{}]`,
    },
    {
      name: 'policyTypes [Ingress] with egress rules fails: the rules are not applied',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, labels: {app: p}}
spec: {containers: [{name: a, image: a:1}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p}
spec:
  podSelector: {matchLabels: {app: p}}
  policyTypes: [Ingress]
  egress: [{to: [{ipBlock: {cidr: 10.0.0.0/8}}]}]`,
    },
    {
      name: 'a deny-all egress policy counts',
      expect: 'pass',
      yaml: `apiVersion: batch/v1
kind: Job
metadata: {name: j, namespace: jobs}
spec:
  template:
    metadata: {labels: {job: j}}
    spec: {restartPolicy: Never, containers: [{name: a, image: a:1}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: no-egress, namespace: jobs}
spec: {podSelector: {matchLabels: {job: j}}, policyTypes: [Egress]}`,
    },
    {
      name: 'a look-alike NetworkPolicy of another API group does not count',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, labels: {app: p}}
spec: {containers: [{name: a, image: a:1}]}
---
apiVersion: example.com/v1
kind: NetworkPolicy
metadata: {name: p}
spec: {podSelector: {}, policyTypes: [Egress]}`,
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
