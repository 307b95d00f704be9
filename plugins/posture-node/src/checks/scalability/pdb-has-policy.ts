import { defineCheck, fail, pass } from '../../engine/check';
import { obj } from '../../engine/k8s';
import { hasPolicy } from './_scaling';

export default defineCheck({
  meta: {
    id: 'pdb-has-policy',
    title: 'PodDisruptionBudget sets minAvailable or maxUnavailable',
    pillar: 'scalability',
    category: 'Availability',
    severity: 'medium',
    rationale:
      'A policy/v1 PodDisruptionBudget with neither minAvailable nor maxUnavailable limits no eviction: it looks like protection in review but a drain may still evict every selected pod at once.',
    remediation: {
      text: 'Set maxUnavailable: 1 (or a minAvailable below the replica count).',
      patch: 'spec:\n  maxUnavailable: 1\n',
    },
    references: { kubeScore: ['poddisruptionbudget-has-policy'] },
    defaults:
      'policy/v1 has no default for either field, so a budget with neither fails in manifests and live objects alike. policy/v1beta1 (removed in Kubernetes 1.25) defaulted minAvailable to 1, so such a budget passes. Whether the values allow any disruption is judged by pdb-allows-disruption.',
  },
  target: 'object',
  kinds: ['PodDisruptionBudget'],
  evaluate(o) {
    if (hasPolicy(o)) {
      const spec = obj(o.spec) ?? {};
      const set = ['minAvailable', 'maxUnavailable'].filter(f => spec[f] !== undefined && spec[f] !== null);
      return pass(set.length ? `Sets ${set.join(' and ')}` : 'policy/v1beta1 defaults minAvailable to 1');
    }
    return fail('Sets neither minAvailable nor maxUnavailable, so no eviction is limited', [
      { path: 'spec.maxUnavailable', value: '(unset)' },
      { path: 'spec.minAvailable', value: '(unset)' },
    ]);
  },
  fixtures: [
    {
      name: 'maxUnavailable set passes (kube-score poddisruptionbudget-has-policy: pass)',
      expect: 'pass',
      upstream: ['kubeScore:poddisruptionbudget-has-policy'],
      yaml: `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web}
spec:
  maxUnavailable: 1
  selector: {matchLabels: {app: web}}`,
    },
    {
      name: 'minAvailable set passes',
      expect: 'pass',
      yaml: `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web}
spec:
  minAvailable: 50%
  selector: {matchLabels: {app: web}}`,
    },
    {
      name: 'neither field fails (kube-score poddisruptionbudget-has-policy: fail)',
      expect: 'fail',
      upstream: ['kubeScore:poddisruptionbudget-has-policy'],
      yaml: `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}`,
    },
    {
      name: 'policy/v1beta1 defaults minAvailable to 1',
      expect: 'pass',
      yaml: `apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}`,
    },
  ],
});
