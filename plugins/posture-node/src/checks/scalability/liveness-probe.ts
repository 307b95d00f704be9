import { defineCheck } from '../../engine/check';
import { appContainersOf } from '../../engine/workloads';
import { judgeContainers, probeHandler } from './_resources';

export default defineCheck({
  meta: {
    id: 'liveness-probe',
    title: 'Containers have a liveness probe',
    pillar: 'scalability',
    category: 'Health checks',
    severity: 'medium',
    rationale:
      'Without a liveness probe a container that hangs (deadlock, exhausted pool) keeps running and is never restarted. Whether the probe differs from the readiness probe is judged by liveness-differs-from-readiness.',
    remediation: {
      text: 'Add a livenessProbe that checks only that the process itself works (not its dependencies).',
      patch:
        'spec:\n  template:\n    spec:\n      containers:\n        - name: <container>\n          livenessProbe:\n            httpGet:\n              path: /healthz\n              port: 8080\n            periodSeconds: 10\n            failureThreshold: 6\n',
    },
    references: {
      polaris: ['livenessProbeMissing'],
      kubescape: ['C-0056'],
    },
    defaults:
      'The API server adds no probe, so unset fails in manifests and live objects alike. Unlike readiness-probe, it applies whether or not a Service selects the pods, and each container is judged (a hung container is restarted on its own). Jobs, CronJobs, init containers and sidecars are not judged.',
  },
  target: 'workload',
  kinds: [
    'Pod',
    'Deployment',
    'StatefulSet',
    'DaemonSet',
    'ReplicaSet',
    'ReplicationController',
    'Rollout',
  ],
  evaluate: w =>
    judgeContainers(
      appContainersOf(w),
      c => {
        const h = probeHandler(c.container.livenessProbe);
        if (!h.ok) {
          return {
            ok: false,
            field: 'livenessProbe',
            value:
              c.container.livenessProbe === undefined ? '(unset)' : undefined,
            reason: `livenessProbe ${h.reason}`,
          };
        }
        return { ok: true, field: 'livenessProbe', reason: '' };
      },
      { pass: 'Every container has a liveness probe', none: 'No containers' },
    ),
  fixtures: [
    {
      name: 'a liveness probe passes without any Service',
      expect: 'pass',
      upstream: ['polaris:livenessProbeMissing', 'kubescape:C-0056'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: liveness-exec, labels: {test: liveness}}
spec:
  containers:
    - name: liveness
      image: busybox:1.36
      livenessProbe: {exec: {command: [cat, /tmp/healthy]}, initialDelaySeconds: 5, periodSeconds: 5}`,
    },
    {
      name: 'no liveness probe fails',
      expect: 'fail',
      upstream: ['polaris:livenessProbeMissing', 'kubescape:C-0056'],
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - {name: web, image: nginx:1.27, readinessProbe: {httpGet: {path: /ready, port: 80}}}`,
    },
    {
      name: 'an empty probe fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: x:1, livenessProbe: {}}]`,
    },
    {
      name: 'a probe with two handlers fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: x:1, livenessProbe: {tcpSocket: {port: 80}, exec: {command: [true]}}}]`,
    },
    {
      name: 'a grpc probe passes',
      expect: 'pass',
      yaml: `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: db, image: etcd:3.5, livenessProbe: {grpc: {port: 2379}}}]`,
    },
    {
      name: 'a liveness probe identical to the readiness probe passes here (liveness-differs-from-readiness judges it)',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - {name: a, image: x:1, readinessProbe: {httpGet: {path: /health, port: 80}}, livenessProbe: {httpGet: {path: /health, port: 80}}}`,
    },
  ],
});
