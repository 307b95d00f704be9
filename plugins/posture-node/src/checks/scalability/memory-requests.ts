import { defineCheck } from '../../engine/check';
import { evaluateResource } from './_resources';

export default defineCheck({
  meta: {
    id: 'memory-requests',
    title: 'Memory requests are set',
    pillar: 'scalability',
    category: 'Resources',
    severity: 'medium',
    rationale:
      'Without a memory request the scheduler places the pod as if it needed no memory; under node memory pressure it is among the first to be evicted, and an HPA cannot compute memory utilization.',
    remediation: {
      text: 'Set resources.requests.memory on every container to its steady-state working set.',
      patch:
        'spec:\n  template:\n    spec:\n      containers:\n        - name: <container>\n          resources:\n            requests:\n              memory: 128Mi\n',
    },
    references: {
      polaris: ['memoryRequestsMissing'],
      kubeScore: ['container-resources'],
      kubescape: ['C-0269'],
    },
    defaults:
      'A missing memory request is filled in by the API server from the memory limit of the container, or from a LimitRange (defaultRequest, default or min) in the namespace; either counts as set. Pod-level spec.resources also counts. Init containers that run to completion are not judged; sidecars are.',
  },
  target: 'workload',
  evaluate: (w, ctx) => evaluateResource(w, ctx, 'requests', 'memory'),
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
        - {name: web, image: nginx:1.27, resources: {requests: {memory: 128Mi}}}
        - {name: proxy, image: envoy:1.30, resources: {requests: {memory: "1.5Gi"}}}`,
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
        - {name: web, image: nginx:1.27, resources: {requests: {memory: 128Mi}}}
        - {name: proxy, image: envoy:1.30}`,
    },
    {
      name: 'an unparsable quantity fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: x:1, resources: {requests: {memory: "1GB"}}}]`,
    },
    {
      name: 'a zero quantity fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: x:1, resources: {requests: {memory: "0"}}}]`,
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
      name: 'an empty requests map fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: a
      image: x:1
      resources:
        requests:`,
    },
    {
      name: 'a limit without a request passes (the API server copies the limit)',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: x:1, resources: {limits: {memory: 128Mi}}}]`,
    },
    {
      name: 'a request on the other resource only fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: x:1, resources: {requests: {cpu: 100m}}}]`,
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
      defaultRequest: {memory: 128Mi}`,
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
      defaultRequest: {memory: 128Mi}`,
    },
    {
      name: 'pod-level resources count',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  resources: {requests: {memory: 128Mi}}
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
  containers: [{name: a, image: x:1, resources: {requests: {memory: 128Mi}}}]`,
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
      containers: [{name: a, image: x:1, resources: {requests: {memory: 128Mi}}}]`,
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
      upstream: ['kubeScore:container-resources', 'polaris:memoryRequestsMissing', 'kubescape:C-0269'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: a:1, resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {cpu: 500m, memory: 256Mi}}}]`,
    },
    {
      name: 'no resources fail (upstream: fail)',
      expect: 'fail',
      upstream: ['kubeScore:container-resources', 'polaris:memoryRequestsMissing', 'kubescape:C-0269'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: a:1}]`,
    },
  ],
});
