import { defineCheck } from '../../engine/check';
import { evaluateResource } from './_resources';

export default defineCheck({
  meta: {
    id: 'ephemeral-storage-requests',
    title: 'Ephemeral-storage requests are set',
    pillar: 'scalability',
    category: 'Resources',
    severity: 'low',
    rationale: 'Without an ephemeral-storage request the scheduler does not count the disk a pod needs, so pods land on nodes whose disk is already spoken for and are evicted under disk pressure.',
    remediation: {
      text: 'Set resources.requests.ephemeral-storage on every container (or a LimitRange default for the namespace).',
      patch: 'spec:\n  template:\n    spec:\n      containers:\n        - name: <container>\n          resources:\n            requests:\n              ephemeral-storage: 1Gi\n',
    },
    references: { kubeScore: ['container-ephemeral-storage-request-and-limit'] },
    defaults:
      'Off by default (kube-score enables its request-and-limit check): many clusters bound pod disk use with emptyDir sizeLimit and kubelet eviction thresholds instead. kube-score folds request and limit into one check; here each is its own. A missing request defaults to the limit, and a namespace LimitRange default counts, as the API server fills them in. Regular containers and sidecars are judged.',
    optIn: true,
  },
  target: 'workload',
  evaluate: (w, ctx) => evaluateResource(w, ctx, 'requests', 'ephemeral-storage'),
  fixtures: [
    {
      name: 'request and limit set pass (kube-score container-ephemeral-storage-request-and-limit: pass)',
      expect: 'pass',
      upstream: ['kubeScore:container-ephemeral-storage-request-and-limit'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: a:1, resources: {requests: {ephemeral-storage: 1Gi}, limits: {ephemeral-storage: 2Gi}}}]`,
    },
    {
      name: 'neither set fails (kube-score container-ephemeral-storage-request-and-limit: fail)',
      expect: 'fail',
      upstream: ['kubeScore:container-ephemeral-storage-request-and-limit'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: a:1, resources: {requests: {cpu: 100m}, limits: {memory: 128Mi}}}]`,
    },
    {
      name: 'a LimitRange default counts',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec:
  containers: [{name: a, image: a:1}]
---
apiVersion: v1
kind: LimitRange
metadata: {name: defaults, namespace: shop}
spec:
  limits: [{type: Container, default: {ephemeral-storage: 2Gi}, defaultRequest: {ephemeral-storage: 1Gi}}]`,
    },
  ],
});
