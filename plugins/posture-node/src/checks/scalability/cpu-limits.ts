import { defineCheck } from '../../engine/check';
import { evaluateResource } from './_resources';

export default defineCheck({
  meta: {
    id: 'cpu-limits',
    title: 'CPU limits are set',
    pillar: 'scalability',
    category: 'Resources',
    severity: 'low',
    rationale:
      'A CPU limit caps how much a busy container can take from its neighbours on the node. It is low severity because a limit also throttles the container when spare CPU is available; switch the check off with disabledChecks: [cpu-limits] if you rely on requests alone.',
    remediation: {
      text: 'Set resources.limits.cpu on every container, or disable this check if your policy is requests-only CPU.',
      patch:
        'spec:\n  template:\n    spec:\n      containers:\n        - name: <container>\n          resources:\n            limits:\n              cpu: 500m\n',
    },
    references: {
      polaris: ['cpuLimitsMissing'],
      kubeScore: ['container-resources'],
      kubescape: ['C-0270'],
    },
    defaults:
      'The API server sets no CPU limit unless a LimitRange in the namespace has a default (or max) for cpu; that LimitRange default counts as set. Pod-level spec.resources.limits also counts.',
  },
  target: 'workload',
  evaluate: (w, ctx) => evaluateResource(w, ctx, 'limits', 'cpu'),
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
        - {name: web, image: nginx:1.27, resources: {limits: {cpu: 100m}}}
        - {name: proxy, image: envoy:1.30, resources: {limits: {cpu: "0.5"}}}`,
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
        - {name: web, image: nginx:1.27, resources: {limits: {cpu: 100m}}}
        - {name: proxy, image: envoy:1.30}`,
    },
    {
      name: 'an unparsable quantity fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: x:1, resources: {limits: {cpu: "2 cores"}}}]`,
    },
    {
      name: 'a zero quantity fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: x:1, resources: {limits: {cpu: "0"}}}]`,
    },
    {
      name: 'resources of the wrong type fail',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: x:1, resources: [cpu]}]`,
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
      default: {cpu: 100m}`,
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
      default: {cpu: 100m}`,
    },
    {
      name: 'pod-level resources count',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  resources: {limits: {cpu: 100m}}
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
  containers: [{name: a, image: x:1, resources: {limits: {cpu: 100m}}}]`,
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
      containers: [{name: a, image: x:1, resources: {limits: {cpu: 100m}}}]`,
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
      upstream: ['kubeScore:container-resources', 'polaris:cpuLimitsMissing', 'kubescape:C-0270'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: a:1, resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {cpu: 500m, memory: 256Mi}}}]`,
    },
    {
      name: 'no resources fail (upstream: fail)',
      expect: 'fail',
      upstream: ['kubeScore:container-resources', 'polaris:cpuLimitsMissing', 'kubescape:C-0270'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: a:1}]`,
    },
  ],
});
