import { defineCheck } from '../../engine/check';
import { evaluateRequestsEqualLimits } from './_resources';

export default defineCheck({
  meta: {
    id: 'ephemeral-storage-requests-equal-limits',
    title: 'Ephemeral-storage requests equal limits',
    pillar: 'scalability',
    category: 'Resources',
    severity: 'low',
    rationale:
      'A container whose ephemeral-storage request is below its limit may use more than the scheduler reserved for it; when many do at once the node runs short and the kubelet throttles or evicts pods. Equal requests and limits make what runs what was reserved.',
    remediation: {
      text: 'Set resources.requests.ephemeral-storage equal to resources.limits.ephemeral-storage (or leave the request out: it defaults to the limit).',
      patch: 'spec:\n  template:\n    spec:\n      containers:\n        - name: <container>\n          resources:\n            requests:\n              ephemeral-storage: <value>\n            limits:\n              ephemeral-storage: <value>\n',
    },
    references: { kubeScore: ['container-ephemeral-storage-request-equals-limit'] },
    defaults:
      'Off by default, as in kube-score: it gives up bursting, which suits latency-critical services but wastes capacity elsewhere. A missing request defaults to the limit, as the API server fills it in (kube-score compares the fields as written); a container without a limit fails. Quantities are compared by value (1 equals 1000m). Regular containers and sidecars are judged.',
    optIn: true,
  },
  target: 'workload',
  evaluate: w => evaluateRequestsEqualLimits(w, 'ephemeral-storage'),
  fixtures: [
    {
      name: 'equal request and limit pass (kube-score: pass)',
      expect: 'pass',
      upstream: ['kubeScore:container-ephemeral-storage-request-equals-limit'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: a:1, resources: {requests: {cpu: 500m, memory: 256Mi, ephemeral-storage: 1Gi}, limits: {cpu: 500m, memory: 256Mi, ephemeral-storage: 1Gi}}}]`,
    },
    {
      name: 'a request below the limit fails (kube-score: fail)',
      expect: 'fail',
      upstream: ['kubeScore:container-ephemeral-storage-request-equals-limit'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: a:1, resources: {requests: {cpu: 100m, memory: 128Mi, ephemeral-storage: 512Mi}, limits: {cpu: 500m, memory: 256Mi, ephemeral-storage: 1Gi}}}]`,
    },
    {
      name: 'a missing request defaults to the limit',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: a:1, resources: {limits: {cpu: "1", memory: 1Gi, ephemeral-storage: 2Gi}}}]`,
    },
    {
      name: 'no limit fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: a:1, resources: {requests: {cpu: 100m, memory: 128Mi, ephemeral-storage: 1Gi}}}]`,
    },
  ],
});
