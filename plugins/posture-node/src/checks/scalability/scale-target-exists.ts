import { defineCheck, fail, pass } from '../../engine/check';
import { kindOf, namespaceOf, obj, refOf, str } from '../../engine/k8s';

/** Kinds without a scale subresource: an autoscaler cannot drive them. */
const UNSCALABLE = new Set(['DaemonSet', 'Job', 'CronJob', 'Pod']);

export default defineCheck({
  meta: {
    id: 'scale-target-exists',
    title: 'Autoscaler target exists',
    pillar: 'scalability',
    category: 'Autoscaling',
    severity: 'medium',
    rationale:
      'An HorizontalPodAutoscaler or ScaledObject whose scaleTargetRef names a missing or unscalable object does nothing: the workload it was meant to protect runs at a fixed size.',
    remediation: {
      text: 'Point spec.scaleTargetRef at the kind and name of the Deployment or StatefulSet in the same namespace.',
      patch:
        'spec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: <workload>\n',
    },
    references: { kubeScore: ['horizontalpodautoscaler-has-target'] },
    defaults:
      'A ScaledObject without scaleTargetRef.kind targets a Deployment, as KEDA assumes; an HPA must name the kind. In manifest mode the target must be among the scanned manifests.',
  },
  target: 'object',
  kinds: ['HorizontalPodAutoscaler', 'ScaledObject'],
  evaluate(o, ctx) {
    const raw = obj(o.spec)?.scaleTargetRef;
    const ref = obj(raw);
    if (!ref) {
      return raw === undefined || raw === null
        ? fail('spec.scaleTargetRef is not set', [
            { path: 'spec.scaleTargetRef', value: '(unset)' },
          ])
        : fail('spec.scaleTargetRef must be a map', [
            { path: 'spec.scaleTargetRef', value: JSON.stringify(raw) },
          ]);
    }
    const name = str(ref.name);
    if (!name)
      return fail('spec.scaleTargetRef.name is not set', [
        { path: 'spec.scaleTargetRef.name', value: '(unset)' },
      ]);
    const kind =
      str(ref.kind) ??
      (kindOf(o) === 'ScaledObject' ? 'Deployment' : undefined);
    if (!kind)
      return fail('spec.scaleTargetRef.kind is not set', [
        { path: 'spec.scaleTargetRef.kind', value: '(unset)' },
      ]);
    const ns = namespaceOf(o);
    const target = ctx.index.get(kind, ns, name);
    if (!target) {
      return fail(`${kind} ${name} is not in namespace ${ns}`, [
        { path: 'spec.scaleTargetRef', value: `${kind}/${name}` },
      ]);
    }
    if (UNSCALABLE.has(kind)) {
      return fail(
        `${kind} ${name} has no scale subresource, so it cannot be autoscaled`,
        [{ path: 'spec.scaleTargetRef.kind', value: kind }],
      );
    }
    return pass(`Targets ${kind} ${name}`, [
      {
        path: 'spec.scaleTargetRef',
        value: `${kind}/${name}`,
        object: refOf(target),
      },
    ]);
  },
  fixtures: [
    {
      name: 'an existing Deployment passes',
      expect: 'pass',
      upstream: ['kubeScore:horizontalpodautoscaler-has-target'],
      yaml: `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
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
      name: 'a missing target fails',
      expect: 'fail',
      upstream: ['kubeScore:horizontalpodautoscaler-has-target'],
      yaml: `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: no-match}
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
      name: 'a target in another namespace fails',
      expect: 'fail',
      yaml: `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: a}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 5
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: b}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}`,
    },
    {
      name: 'a DaemonSet target fails',
      expect: 'fail',
      yaml: `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: agent}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: DaemonSet, name: agent}
  maxReplicas: 5
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec: {containers: [{name: a, image: agent:1.0}]}`,
    },
    {
      name: 'a ScaledObject defaults its target kind to Deployment',
      expect: 'pass',
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
    spec: {containers: [{name: w, image: worker:1.0}]}`,
    },
    {
      name: 'an HPA without a target kind fails',
      expect: 'fail',
      yaml: `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {name: web}
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
      name: 'a scaleTargetRef of the wrong type fails',
      expect: 'fail',
      yaml: `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: web
  maxReplicas: 5`,
    },
  ],
});
