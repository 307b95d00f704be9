import { defineCheck, fail, pass } from '../../engine/check';
import { refOf } from '../../engine/k8s';
import { named } from './_scaling';

export default defineCheck({
  meta: {
    id: 'autoscaler-present',
    title: 'An autoscaler manages the replica count',
    pillar: 'scalability',
    category: 'Autoscaling',
    severity: 'low',
    rationale:
      'A fixed replica count is sized for one load level: too few replicas under a spike, wasted capacity the rest of the time. An HorizontalPodAutoscaler or a KEDA ScaledObject adjusts the count to demand.',
    remediation: {
      text: 'Add an HorizontalPodAutoscaler (or a KEDA ScaledObject) whose scaleTargetRef names the workload.',
      patch:
        'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: <name>\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: <name>\n  minReplicas: 2\n  maxReplicas: 10\n  metrics:\n    - type: Resource\n      resource:\n        name: cpu\n        target:\n          type: Utilization\n          averageUtilization: 70\n',
    },
    references: {},
    defaults:
      'Nothing is defaulted: an autoscaler exists only if one is in the snapshot. A ScaledObject without scaleTargetRef.kind targets a Deployment, as KEDA assumes.',
  },
  target: 'workload',
  kinds: ['Deployment', 'StatefulSet'],
  evaluate(w, ctx) {
    const scalers = ctx.index.scalersFor(w);
    if (scalers.length > 0) {
      return pass(
        `Scaled by ${scalers.map(named).join(', ')}`,
        scalers.map(s => ({ path: 'spec.scaleTargetRef', object: refOf(s) })),
      );
    }
    return fail(
      `No HorizontalPodAutoscaler or ScaledObject targets ${w.kind} ${w.name}`,
      [
        {
          path: 'spec.replicas',
          value: w.replicas === undefined ? '(unset: 1)' : String(w.replicas),
        },
      ],
    );
  },
  fixtures: [
    {
      name: 'an HPA targeting the Deployment passes',
      expect: 'pass',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web-hpa, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 5`,
    },
    {
      name: 'a ScaledObject without a target kind counts for a Deployment',
      expect: 'pass',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: worker}
spec:
  selector: {matchLabels: {app: worker}}
  template:
    metadata: {labels: {app: worker}}
    spec: {containers: [{name: w, image: worker:1.0}]}
---
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata: {name: worker}
spec:
  scaleTargetRef: {name: worker}
  triggers: [{type: cpu, metadata: {value: "60"}}]`,
    },
    {
      name: 'no autoscaler fails',
      expect: 'fail',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}`,
    },
    {
      name: 'an HPA for a StatefulSet of the same name does not count for the Deployment',
      expect: 'fail',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: StatefulSet, name: web}
  maxReplicas: 5`,
    },
    {
      name: 'an HPA in another namespace does not count',
      expect: 'fail',
      yaml: `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: a}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: postgres:16}]}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: db, namespace: b}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: StatefulSet, name: db}
  maxReplicas: 5`,
    },
  ],
});
