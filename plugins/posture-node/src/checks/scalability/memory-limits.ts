import { defineCheck } from '../../engine/check';
import { evaluateResource } from './_resources';

export default defineCheck({
  meta: {
    id: 'memory-limits',
    title: 'Memory limits are set',
    pillar: 'scalability',
    category: 'Resources',
    severity: 'medium',
    rationale:
      'A container without a memory limit can take all the memory of its node; the kernel then kills processes of other pods, not just the leaking one.',
    remediation: {
      text: 'Set resources.limits.memory on every container, usually equal to or a little above the request.',
      patch:
        'spec:\n  template:\n    spec:\n      containers:\n        - name: <container>\n          resources:\n            limits:\n              memory: 256Mi\n',
    },
    references: {
      polaris: ['memoryLimitsMissing'],
      kubeScore: ['container-resources'],
      kubescape: ['C-0271'],
    },
    defaults:
      'The API server sets no memory limit unless a LimitRange in the namespace has a default (or max) for memory; that LimitRange default counts as set. Pod-level spec.resources.limits also counts.',
  },
  target: 'workload',
  evaluate: (w, ctx) => evaluateResource(w, ctx, 'limits', 'memory'),
  fixtures: [
    {
      name: 'set on every container passes',
      expect: 'pass',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - {name: web, image: nginx:1.27, resources: {limits: {memory: 128Mi}}}
        - {name: proxy, image: envoy:1.30, resources: {limits: {memory: "1.5Gi"}}}`,
    },
    {
      name: 'missing on the second container fails',
      expect: 'fail',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - {name: web, image: nginx:1.27, resources: {limits: {memory: 128Mi}}}
        - {name: proxy, image: envoy:1.30}`,
    },
    {
      name: 'an unparsable quantity fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: x:1, resources: {limits: {memory: "1GB"}}}]`,
    },
    {
      name: 'a zero quantity fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: x:1, resources: {limits: {memory: "0"}}}]`,
    },
    {
      name: 'resources of the wrong type fail',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: x:1, resources: [memory]}]`,
    },
    {
      name: 'an empty limits map fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: a
      image: x:1
      resources:
        limits:`,
    },
    {
      name: 'a request alone does not make a limit',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: x:1, resources: {requests: {memory: 128Mi}}}]`,
    },
    {
      name: 'a LimitRange default in the namespace counts',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: team}
spec:
  containers: [{name: a, image: x:1}]
---
apiVersion: v1
kind: LimitRange
metadata: {name: defaults, namespace: team}
spec:
  limits:
    - type: Container
      default: {memory: 128Mi}`,
    },
    {
      name: 'a LimitRange in another namespace does not count',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: team}
spec:
  containers: [{name: a, image: x:1}]
---
apiVersion: v1
kind: LimitRange
metadata: {name: defaults, namespace: other}
spec:
  limits:
    - type: Container
      default: {memory: 128Mi}`,
    },
    {
      name: 'pod-level resources count',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  resources: {limits: {memory: 128Mi}}
  containers: [{name: a, image: x:1}, {name: b, image: y:1}]`,
    },
    {
      name: 'a sidecar is judged',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  initContainers:
    - {name: log-shipper, image: fluent-bit:3.0, restartPolicy: Always}
  containers: [{name: a, image: x:1, resources: {limits: {memory: 128Mi}}}]`,
    },
    {
      name: 'a plain init container is not judged',
      expect: 'pass',
      yaml: `apiVersion: batch/v1
kind: Job
metadata: {name: j}
spec:
  template:
    spec:
      restartPolicy: Never
      initContainers: [{name: migrate, image: m:1}]
      containers: [{name: a, image: x:1, resources: {limits: {memory: 128Mi}}}]`,
    },
    {
      name: 'a pod without containers is not applicable',
      expect: 'not-applicable',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec: {containers: []}`,
    },
    {
      name: 'requests and limits for CPU and memory pass (upstream: pass)',
      expect: 'pass',
      upstream: ['kubeScore:container-resources', 'polaris:memoryLimitsMissing', 'kubescape:C-0271'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: a:1, resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {cpu: 500m, memory: 256Mi}}}]`,
    },
    {
      name: 'no resources fail (upstream: fail)',
      expect: 'fail',
      upstream: ['kubeScore:container-resources', 'polaris:memoryLimitsMissing', 'kubescape:C-0271'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: a:1}]`,
    },
  ],
});
