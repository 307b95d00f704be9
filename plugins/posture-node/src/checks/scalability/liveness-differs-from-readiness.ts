import { Evidence } from '@posture-dev/backstage-plugin-posture-common';
import { defineCheck, fail, notApplicable, pass } from '../../engine/check';
import { arr, obj } from '../../engine/k8s';
import { appContainersOf } from '../../engine/workloads';
import { show } from '../lib/show';
import { canonical, probeHandler } from './_resources';

/**
 * What a probe asks, without its timing: the handler and its target. Two probes that ask the same thing fail
 * together whatever their periods and thresholds, which is what makes an identical liveness probe dangerous.
 */
function target(probe: Record<string, any>, handler: string): string {
  const h = obj(probe[handler]) ?? {};
  switch (handler) {
    case 'httpGet':
      return `httpGet ${canonical(h.path ?? '/')} port ${canonical(h.port)} host ${canonical(h.host)}`;
    case 'tcpSocket':
      return `tcpSocket port ${canonical(h.port)} host ${canonical(h.host)}`;
    case 'exec':
      return `exec ${canonical(arr(h.command))}`;
    case 'grpc':
      return `grpc port ${canonical(h.port)} service ${canonical(h.service)}`;
    default:
      return canonical(h);
  }
}

export default defineCheck({
  meta: {
    id: 'liveness-differs-from-readiness',
    title: 'Liveness probes do not repeat the readiness probe',
    pillar: 'scalability',
    category: 'Health checks',
    severity: 'medium',
    rationale:
      'A readiness probe fails while the container is busy or waits on a dependency, which takes it out of rotation. A liveness probe that asks the same question restarts the container in the same situation, turning a slowdown or a dependency outage into a restart storm.',
    remediation: {
      text: 'Point the livenessProbe at an endpoint that checks only that the process itself works, or drop the livenessProbe if the process exits when it breaks.',
      patch:
        'spec:\n  template:\n    spec:\n      containers:\n        - name: <container>\n          readinessProbe:\n            httpGet: {path: /ready, port: 8080}\n          livenessProbe:\n            httpGet: {path: /healthz, port: 8080}\n',
    },
    references: { kubeScore: ['pod-probes-identical'] },
    defaults:
      'The API server adds no probe. Two probes are identical when they use the same handler with the same target (httpGet path, port and host; tcpSocket port and host; exec command; grpc port and service), whatever their timing, as kube-score compares them. Each app container is compared with itself; a workload where no container has both probes is not applicable. Jobs, CronJobs, init containers and sidecars are not judged.',
  },
  target: 'workload',
  kinds: ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Rollout'],
  evaluate(w) {
    const identical: Evidence[] = [];
    let compared = 0;
    for (const c of appContainersOf(w)) {
      const l = probeHandler(c.container.livenessProbe);
      const r = probeHandler(c.container.readinessProbe);
      if (!l.ok || !r.ok) continue;
      compared++;
      const lt = target(c.container.livenessProbe, l.handler);
      if (l.handler === r.handler && lt === target(c.container.readinessProbe, r.handler))
        identical.push({ path: `${c.path}.livenessProbe`, container: c.name, detail: `same ${l.handler} target as readinessProbe` });
    }
    if (compared === 0) return notApplicable('No container has both a liveness and a readiness probe');
    if (identical.length > 0)
      return fail(
        `The liveness probe asks what the readiness probe asks in ${identical.map(e => show(e.container)).join(', ')}`,
        identical,
      );
    return pass('Every container with both probes probes liveness differently from readiness');
  },
  fixtures: [
    {
      name: 'different endpoints pass (kube-score pod-probes-identical: pass)',
      expect: 'pass',
      upstream: ['kubeScore:pod-probes-identical'],
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
          readinessProbe: {httpGet: {path: /ready, port: 8080}}
          livenessProbe: {httpGet: {path: /healthz, port: 8080}}`,
    },
    {
      name: 'the same httpGet path and port fail (kube-score pod-probes-identical: fail)',
      expect: 'fail',
      upstream: ['kubeScore:pod-probes-identical'],
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
          livenessProbe: {periodSeconds: 10, failureThreshold: 6, httpGet: {port: 80, path: /health}}`,
    },
    {
      name: 'the same tcpSocket port fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - {name: a, image: x:1, readinessProbe: {tcpSocket: {port: 80}}, livenessProbe: {tcpSocket: {port: 80}}}`,
    },
    {
      name: 'the same exec command fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - {name: a, image: x:1, readinessProbe: {exec: {command: [cat, /tmp/ok]}}, livenessProbe: {exec: {command: [cat, /tmp/ok]}}}`,
    },
    {
      name: 'different handlers pass',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - {name: a, image: x:1, readinessProbe: {httpGet: {path: /ready, port: 80}}, livenessProbe: {tcpSocket: {port: 80}}}`,
    },
    {
      name: 'probes on different containers are not compared',
      expect: 'not-applicable',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - {name: a, image: x:1, readinessProbe: {tcpSocket: {port: 80}}}
    - {name: b, image: y:1, livenessProbe: {tcpSocket: {port: 80}}}`,
    },
  ],
});
