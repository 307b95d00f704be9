import { defineCheck, fail, notApplicable, pass } from '../../engine/check';
import { namespaceOf, obj } from '../../engine/k8s';

export default defineCheck({
  meta: {
    id: 'network-policy-targets-pods',
    title: 'NetworkPolicies select at least one workload',
    pillar: 'security',
    category: 'Network',
    severity: 'low',
    rationale:
      'A NetworkPolicy whose podSelector matches no pod isolates nothing: it usually carries a label typo, and the workload it was written for runs unprotected while the policy suggests otherwise.',
    remediation: {
      text: 'Make spec.podSelector match the pod labels of the workload the policy is for (or delete the policy).',
      patch: 'spec:\n  podSelector:\n    matchLabels:\n      app.kubernetes.io/name: <name>\n',
    },
    references: { kubeScore: ['networkpolicy-targets-pod'] },
    defaults:
      'The podSelector is matched against the pod template labels of the workloads in the policy\'s namespace (an empty podSelector selects them all). Live, and in manifests that hold workloads of that namespace, a policy selecting none of them fails. Manifests that hold no workload of the namespace at all are a partial view (the pods are deployed elsewhere): not applicable.',
  },
  target: 'object',
  kinds: ['NetworkPolicy'],
  evaluate(o, ctx) {
    const ns = namespaceOf(o);
    const selected = ctx.index.selectedBy(o);
    if (selected.length > 0)
      return pass(`Selects ${selected.length} workload(s): ${selected.slice(0, 5).map(w => `${w.kind} ${w.name}`).join(', ')}${selected.length > 5 ? ', …' : ''}`);
    if (ctx.mode === 'manifest' && ctx.index.workloadsInNamespace(ns).length === 0)
      return notApplicable(`No workload of namespace ${ns} is in these manifests`);
    return fail(`spec.podSelector matches no workload in namespace ${ns}`, [
      { path: 'spec.podSelector', value: JSON.stringify(obj(o.spec)?.podSelector ?? null) },
    ]);
  },
  fixtures: [
    {
      name: 'a policy selecting a Deployment passes (kube-score networkpolicy-targets-pod: pass)',
      expect: 'pass',
      upstream: ['kubeScore:networkpolicy-targets-pod'],
      yaml: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}`,
    },
    {
      name: 'a policy selecting no pod fails (kube-score networkpolicy-targets-pod: fail)',
      expect: 'fail',
      upstream: ['kubeScore:networkpolicy-targets-pod'],
      yaml: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web}
spec:
  podSelector: {matchLabels: {app: wbe}}
  policyTypes: [Ingress]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}`,
    },
    {
      name: 'an empty podSelector selects every workload of the namespace',
      expect: 'pass',
      yaml: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
---
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec: {containers: [{name: a, image: a:1}]}`,
    },
    {
      name: 'manifests without any workload of the namespace are not applicable',
      expect: 'not-applicable',
      yaml: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: shop}
spec:
  podSelector: {}`,
    },
    {
      name: 'live: a policy in a namespace without pods fails',
      expect: 'fail',
      mode: 'live',
      yaml: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}`,
    },
  ],
});
