import { defineCheck } from '../../engine/check';
import { appContainersOf } from '../../engine/workloads';
import { canonical, judgeContainers, probeHandler } from './_resources';

export default defineCheck({
  meta: {
    id: 'liveness-probe',
    title: 'Containers have a liveness probe distinct from readiness',
    pillar: 'scalability',
    category: 'Health checks',
    severity: 'medium',
    rationale:
      'Without a liveness probe a container that hangs (deadlock, exhausted pool) keeps running and is never restarted. A liveness probe identical to the readiness probe restarts the container whenever it is merely busy or waiting on a dependency, turning a slowdown into a restart storm.',
    remediation: {
      text: 'Add a livenessProbe that checks only that the process itself works, and give it more tolerance than the readiness probe (a different endpoint or a higher failureThreshold).',
      patch:
        'spec:\n  template:\n    spec:\n      containers:\n        - name: <container>\n          livenessProbe:\n            httpGet:\n              path: /healthz\n              port: 8080\n            periodSeconds: 10\n            failureThreshold: 6\n',
    },
    references: {
      polaris: ['livenessProbeMissing'],
      kubeScore: ['pod-probes'],
      kubescape: ['C-0056'],
    },
    defaults:
      'The API server adds no probe, so unset fails in manifests and live objects alike. Unlike readiness-probe, it applies whether or not a Service selects the pods. Live objects get probe timing defaults filled in on both probes alike, so the identical-probe comparison means the same in both modes. Jobs, CronJobs, init containers and sidecars are not judged.',
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
        const readiness = c.container.readinessProbe;
        if (
          readiness !== undefined &&
          canonical(readiness) === canonical(c.container.livenessProbe)
        ) {
          return {
            ok: false,
            field: 'livenessProbe',
            reason:
              'livenessProbe is identical to readinessProbe, so a busy container is restarted instead of only taken out of rotation',
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
      name: 'a liveness probe identical to the readiness probe fails',
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
        - name: web
          image: nginx:1.27
          readinessProbe: {httpGet: {path: /health, port: 80}, periodSeconds: 5}
          livenessProbe: {periodSeconds: 5, httpGet: {port: 80, path: /health}}`,
    },
    {
      name: 'the same endpoint with more tolerance passes',
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
        - name: web
          image: nginx:1.27
          readinessProbe: {httpGet: {path: /health, port: 80}, periodSeconds: 5}
          livenessProbe: {httpGet: {path: /health, port: 80}, periodSeconds: 10, failureThreshold: 6}`,
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
  ],
});
