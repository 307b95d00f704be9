import { Evidence } from '@posture-dev/backstage-plugin-posture-common';
import { defineCheck, fail, notApplicable, pass } from '../../engine/check';
import {
  K8sObject,
  arr,
  kindOf,
  namespaceOf,
  obj,
  refOf,
  str,
} from '../../engine/k8s';
import { appContainersOf, toWorkload } from '../../engine/workloads';
import { ResourceName, judgeResource } from './_resources';

interface UtilizationMetric {
  resource: ResourceName;
  /** a ContainerResource metric (or KEDA containerName) judges one container */
  container?: string;
  path: string;
  defaulted?: boolean;
}

const RESOURCES = new Set(['cpu', 'memory']);

/**
 * The metrics whose target is a percentage of the pods' requests. An
 * autoscaling/v2 HPA without metrics gets CPU at 80% from the API server, and
 * an autoscaling/v1 HPA always scales on CPU utilization.
 */
function utilizationMetrics(o: K8sObject): UtilizationMetric[] {
  const spec = obj(o.spec) ?? {};
  const out: UtilizationMetric[] = [];
  if (kindOf(o) === 'ScaledObject') {
    arr(spec.triggers).forEach((t, i) => {
      const trig = obj(t);
      const type = str(trig?.type);
      if (!type || !RESOURCES.has(type)) return;
      // metadata.type is the pre-2.10 spelling of metricType
      const metricType =
        str(trig?.metricType) ??
        str(obj(trig?.metadata)?.type) ??
        'Utilization';
      if (metricType !== 'Utilization') return;
      const container = str(obj(trig?.metadata)?.containerName);
      out.push({
        resource: type as ResourceName,
        path: `spec.triggers[${i}]`,
        ...(container ? { container } : {}),
      });
    });
    return out;
  }
  if (str(o.apiVersion) === 'autoscaling/v1') {
    return [
      {
        resource: 'cpu',
        path: 'spec.targetCPUUtilizationPercentage',
        defaulted: spec.targetCPUUtilizationPercentage === undefined,
      },
    ];
  }
  const metrics = arr(spec.metrics);
  if (metrics.length === 0)
    return [{ resource: 'cpu', path: 'spec.metrics', defaulted: true }];
  metrics.forEach((m, i) => {
    const metric = obj(m);
    if (metric?.type === 'Resource' || metric?.type === 'ContainerResource') {
      const container = metric.type === 'ContainerResource';
      const src = obj(container ? metric.containerResource : metric.resource);
      const name = str(src?.name);
      if (!name || !RESOURCES.has(name)) return;
      // v2: target.type; v2beta1: targetAverageUtilization
      const utilization =
        obj(src?.target)?.type === 'Utilization' ||
        src?.targetAverageUtilization !== undefined;
      if (!utilization) return;
      const c = container ? str(src?.container) : undefined;
      out.push({
        resource: name as ResourceName,
        path: `spec.metrics[${i}].${
          container ? 'containerResource' : 'resource'
        }`,
        ...(c ? { container: c } : {}),
      });
    }
  });
  return out;
}

export default defineCheck({
  meta: {
    id: 'autoscaler-metrics-have-requests',
    title: 'Utilization metrics have matching container requests',
    pillar: 'scalability',
    category: 'Autoscaling',
    severity: 'high',
    rationale:
      'Utilization is usage divided by the request. When a container of the target has no request for the resource, the HPA cannot compute it and stops scaling on that metric.',
    remediation: {
      text: 'Set the CPU (or memory) request on every container of the target that the utilization metric covers, or scale on AverageValue instead.',
      patch:
        'spec:\n  template:\n    spec:\n      containers:\n        - name: <container>\n          resources:\n            requests:\n              cpu: 100m\n',
    },
    references: {},
    defaults:
      'An autoscaling/v2 HPA without metrics is defaulted to CPU at 80% utilization, and autoscaling/v1 always uses CPU utilization, so both need CPU requests. A KEDA cpu/memory trigger without metricType uses Utilization. A container request counts when the API server would fill it in from the limit or a LimitRange.',
  },
  target: 'object',
  kinds: ['HorizontalPodAutoscaler', 'ScaledObject'],
  evaluate(o, ctx) {
    const metrics = utilizationMetrics(o);
    if (metrics.length === 0)
      return notApplicable('No CPU or memory utilization metrics');
    const ref = obj(obj(o.spec)?.scaleTargetRef);
    const kind =
      str(ref?.kind) ?? (kindOf(o) === 'ScaledObject' ? 'Deployment' : '');
    const name = str(ref?.name) ?? '';
    const ns = namespaceOf(o);
    const target = ctx.index.get(kind, ns, name);
    if (!target)
      return notApplicable(
        `Target ${kind || '(no kind)'} ${
          name || '(no name)'
        } is not in the snapshot`,
      );
    const w = ctx.index.workload(`${kind}/${ns}/${name}`) ?? toWorkload(target);
    const containers = appContainersOf(w);
    if (containers.length === 0)
      return notApplicable(`${kind} ${name} has no containers`);
    const targetRef = refOf(target);

    const problems: string[] = [];
    const evidence: Evidence[] = [];
    for (const m of metrics) {
      const judged = m.container
        ? containers.filter(c => c.name === m.container)
        : containers;
      const what = `${m.resource} utilization${
        m.defaulted ? ' (the default metric)' : ''
      }`;
      if (m.container && judged.length === 0) {
        problems.push(
          `${what} names container ${m.container}, which ${kind} ${name} does not have`,
        );
        evidence.push({ path: m.path, value: m.container });
        continue;
      }
      const missing: string[] = [];
      for (const c of judged) {
        const f = judgeResource(w, c, ctx, 'requests', m.resource);
        if (f.ok) continue;
        missing.push(c.name);
        evidence.push({
          path: `${c.path}.${f.field}`,
          container: c.name,
          object: targetRef,
          ...(f.value !== undefined ? { value: f.value } : {}),
          detail: f.reason,
        });
      }
      if (missing.length > 0) {
        problems.push(
          `scales on ${what} but ${missing.join(
            ', ',
          )} in ${kind} ${name} has no usable ${m.resource} request`,
        );
        evidence.push({
          path: m.path,
          ...(m.defaulted ? { value: '(unset: cpu 80%)' } : {}),
        });
      }
    }
    if (problems.length > 0) return fail(problems.join('; '), evidence);
    return pass(
      `Every container of ${kind} ${name} has requests for ${[
        ...new Set(metrics.map(m => m.resource)),
      ].join(' and ')}`,
    );
  },
  fixtures: [
    {
      name: 'cpu utilization with cpu requests passes',
      expect: 'pass',
      yaml: `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 5
  metrics:
    - type: Resource
      resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - {name: web, image: nginx:1.27, resources: {requests: {cpu: 100m}}}
        - {name: proxy, image: envoy:1.30, resources: {limits: {cpu: 200m}}}`,
    },
    {
      name: 'memory utilization without a memory request fails',
      expect: 'fail',
      yaml: `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 5
  metrics:
    - type: Resource
      resource: {name: memory, target: {type: Utilization, averageUtilization: 70}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - {name: web, image: nginx:1.27, resources: {requests: {cpu: 100m}}}`,
    },
    {
      name: 'an HPA without metrics defaults to cpu utilization',
      expect: 'fail',
      yaml: `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 5
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}`,
    },
    {
      name: 'an autoscaling/v1 HPA needs cpu requests',
      expect: 'pass',
      yaml: `apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 5
  targetCPUUtilizationPercentage: 60
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27, resources: {requests: {cpu: 1}}}]}`,
    },
    {
      name: 'AverageValue targets need no requests',
      expect: 'not-applicable',
      yaml: `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 5
  metrics:
    - type: Resource
      resource: {name: memory, target: {type: AverageValue, averageValue: 500Mi}}
    - type: Pods
      pods: {metric: {name: rps}, target: {type: AverageValue, averageValue: "100"}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}`,
    },
    {
      name: 'a ContainerResource metric judges only its container',
      expect: 'pass',
      yaml: `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 5
  metrics:
    - type: ContainerResource
      containerResource: {name: cpu, container: web, target: {type: Utilization, averageUtilization: 60}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - {name: web, image: nginx:1.27, resources: {requests: {cpu: 250m}}}
        - {name: sidecar, image: envoy:1.30}`,
    },
    {
      name: 'a ContainerResource metric naming a missing container fails',
      expect: 'fail',
      yaml: `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 5
  metrics:
    - type: ContainerResource
      containerResource: {name: cpu, container: app, target: {type: Utilization, averageUtilization: 60}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27, resources: {requests: {cpu: 250m}}}]}`,
    },
    {
      name: 'a KEDA cpu trigger without metricType needs cpu requests',
      expect: 'fail',
      yaml: `apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata: {name: worker}
spec:
  scaleTargetRef: {name: worker}
  triggers: [{type: cpu, metadata: {value: "60"}}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: worker}
spec:
  selector: {matchLabels: {app: worker}}
  template:
    metadata: {labels: {app: worker}}
    spec: {containers: [{name: w, image: worker:1.0, resources: {requests: {memory: 1Gi}}}]}`,
    },
    {
      name: 'an unparsable request fails',
      expect: 'fail',
      yaml: `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: StatefulSet, name: web}
  maxReplicas: 5
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  serviceName: web
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27, resources: {requests: {cpu: "one"}}}]}`,
    },
    {
      name: 'a missing target is not applicable',
      expect: 'not-applicable',
      yaml: `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: gone}
  maxReplicas: 5`,
    },
  ],
});
