import { defineCheck, notApplicable } from '../../engine/check';
import { nameOf } from '../../engine/k8s';
import { appContainersOf } from '../../engine/workloads';
import { judgeContainers, probeHandler } from './_resources';
import { routesToPods } from './_scaling';

export default defineCheck({
  meta: {
    id: 'readiness-probe',
    title: 'Containers behind a Service have a readiness probe',
    pillar: 'scalability',
    category: 'Health checks',
    severity: 'medium',
    rationale:
      'A Service sends traffic to a pod as soon as its containers start unless a readiness probe says otherwise, so requests fail during start-up, rollouts and overload.',
    remediation: {
      text: 'Add a readinessProbe to every container that serves traffic; it should fail while the container cannot serve.',
      patch:
        'spec:\n  template:\n    spec:\n      containers:\n        - name: <container>\n          readinessProbe:\n            httpGet:\n              path: /ready\n              port: 8080\n            periodSeconds: 5\n',
    },
    references: {
      polaris: ['readinessProbeMissing'],
      kubeScore: ['pod-probes'],
      kubescape: ['C-0018'],
    },
    defaults:
      'The API server adds no probe. Only workloads whose pods a Service selects are judged (not-applicable otherwise, and for Jobs and CronJobs); init containers and sidecars are not judged.',
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
    return judgeContainers(
      appContainersOf(w),
      c => {
        const h = probeHandler(c.container.readinessProbe);
        return h.ok
          ? { ok: true, field: 'readinessProbe', reason: '' }
          : {
              ok: false,
              field: 'readinessProbe',
              value:
                c.container.readinessProbe === undefined
                  ? '(unset)'
                  : undefined,
              reason: `readinessProbe ${h.reason} (selected by ${via})`,
            };
      },
      {
        pass: `Every container has a readiness probe (selected by ${via})`,
        none: 'No containers',
      },
    );
  },
  fixtures: [
    {
      name: 'a probe on every container behind a Service passes',
      expect: 'pass',
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
      name: 'a container without a probe behind a Service fails',
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
