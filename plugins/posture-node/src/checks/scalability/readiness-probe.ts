import { Evidence } from '@posture-dev/backstage-plugin-posture-common';
import { defineCheck, fail, notApplicable, pass } from '../../engine/check';
import { nameOf } from '../../engine/k8s';
import { appContainersOf } from '../../engine/workloads';
import { probeHandler } from './_resources';
import { show } from '../lib/show';
import { routesToPods } from './_scaling';

export default defineCheck({
  meta: {
    id: 'readiness-probe',
    title: 'Pods behind a Service gate readiness with a probe',
    pillar: 'scalability',
    category: 'Health checks',
    severity: 'medium',
    rationale:
      'A Service sends traffic to a pod as soon as its containers start unless a readiness probe says otherwise, so requests fail during start-up, rollouts and overload. A pod is Ready only when all its containers are, so one probe on the container that serves gates the whole pod.',
    remediation: {
      text: 'Add a readinessProbe to the container that serves traffic; it should fail while the pod cannot serve.',
      patch:
        'spec:\n  template:\n    spec:\n      containers:\n        - name: <container>\n          readinessProbe:\n            httpGet:\n              path: /ready\n              port: 8080\n            periodSeconds: 5\n',
    },
    references: {
      polaris: ['readinessProbeMissing'],
      kubeScore: ['pod-probes'],
      kubescape: ['C-0018'],
    },
    defaults:
      'The API server adds no probe. Judged per pod, not per container: the pod passes when at least one app container has a valid readiness probe (a container without one is ready once started, so a sidecar without a probe does not make the pod fail) and fails when none has one or any probe is invalid. Only workloads whose pods a Service selects are judged (not-applicable otherwise, and for Jobs and CronJobs); init containers and sidecars are not judged.',
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
  evaluate(w, ctx) {
    const services = ctx.index.servicesFor(w).filter(routesToPods);
    if (services.length === 0)
      return notApplicable('No Service selects these pods');
    const via = `Service ${services.map(nameOf).join(', ')}`;
    const containers = appContainersOf(w);
    if (containers.length === 0) return notApplicable('No containers');
    // A pod is Ready when all its containers are, and a container without a readiness probe counts as ready once
    // started: one valid probe gates the whole pod. A probe that is set but invalid is rejected by the API server.
    const gated: string[] = [];
    const broken: Evidence[] = [];
    for (const c of containers) {
      const probe = c.container.readinessProbe;
      if (probe === undefined || probe === null) continue;
      const h = probeHandler(probe);
      if (h.ok) gated.push(show(c.name));
      else broken.push({ path: `${c.path}.readinessProbe`, value: `readinessProbe ${h.reason}` });
    }
    if (broken.length > 0)
      return fail(
        `Invalid readiness probe in ${broken.map(b => b.path).join(', ')}: ${broken.map(b => b.value).join('; ')}`,
        broken,
      );
    if (gated.length === 0)
      return fail(
        `No container has a readiness probe, so ${via} sends traffic as soon as the containers start`,
        containers.map(c => ({ path: `${c.path}.readinessProbe`, value: '(unset)' })),
      );
    return pass(`Readiness is gated by the probe of ${gated.join(', ')} (selected by ${via})`);
  },
  fixtures: [
    {
      name: 'a probe on every container behind a Service passes',
      expect: 'pass',
      upstream: ['kubeScore:pod-probes', 'polaris:readinessProbeMissing', 'kubescape:C-0018'],
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web, tier: fe}}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          readinessProbe: {httpGet: {path: /ready, port: 8080}}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80}]`,
    },
    {
      name: 'a sidecar without a probe passes when the main container gates readiness (kube-score pod-probes: pass)',
      expect: 'pass',
      upstream: ['kubeScore:pod-probes'],
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - {name: web, image: nginx:1.27, readinessProbe: {tcpSocket: {port: 80}}}
        - {name: metrics, image: exporter:1.0}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}`,
    },
    {
      name: 'no container with a probe behind a Service fails (kube-score pod-probes: fail)',
      expect: 'fail',
      upstream: ['kubeScore:pod-probes', 'polaris:readinessProbeMissing', 'kubescape:C-0018'],
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - {name: web, image: nginx:1.27, livenessProbe: {tcpSocket: {port: 80}}}
        - {name: metrics, image: exporter:1.0}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}`,
    },
    {
      name: 'a probe without a handler fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, labels: {app: p}}
spec:
  containers: [{name: a, image: x:1, readinessProbe: {periodSeconds: 5}}]
---
apiVersion: v1
kind: Service
metadata: {name: p}
spec: {selector: {app: p}}`,
    },
    {
      name: 'a probe of the wrong type fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, labels: {app: p}}
spec:
  containers: [{name: a, image: x:1, readinessProbe: "/healthz"}]
---
apiVersion: v1
kind: Service
metadata: {name: p}
spec: {selector: {app: p}}`,
    },
    {
      name: 'no Service selecting the pods is not applicable',
      expect: 'not-applicable',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: readiness-exec, labels: {test: readiness}}
spec:
  containers: [{name: readiness, image: busybox:1.36}]`,
    },
    {
      name: 'a Service in another namespace does not count',
      expect: 'not-applicable',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: a, labels: {app: p}}
spec:
  containers: [{name: a, image: x:1}]
---
apiVersion: v1
kind: Service
metadata: {name: p, namespace: b}
spec: {selector: {app: p}}`,
    },
    {
      name: 'a Service with an empty selector routes to no pods',
      expect: 'not-applicable',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, labels: {app: p}}
spec:
  containers: [{name: a, image: x:1}]
---
apiVersion: v1
kind: Service
metadata: {name: manual}
spec: {selector: {}}`,
    },
    {
      name: 'init containers are not judged',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, labels: {app: p}}
spec:
  initContainers: [{name: init, image: i:1}]
  containers: [{name: a, image: x:1, readinessProbe: {exec: {command: [cat, /tmp/ready]}}}]
---
apiVersion: v1
kind: Service
metadata: {name: p}
spec: {selector: {app: p}}`,
    },
  ],
});
