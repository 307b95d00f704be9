import { defineCheck, fail, pass } from '../../engine/check';
import { obj } from '../../engine/k8s';
import { named, replicaBounds } from './_scaling';

export default defineCheck({
  meta: {
    id: 'replicas',
    title: 'Runs at least two replicas',
    pillar: 'scalability',
    category: 'Availability',
    severity: 'high',
    rationale:
      'A single replica is a single point of failure: a node drain, an eviction or a crash takes the service down until it is rescheduled.',
    remediation: {
      text: 'Run at least two replicas, or let an HorizontalPodAutoscaler with minReplicas ≥ 2 manage the count.',
      patch: 'spec:\n  replicas: 2\n',
    },
    references: {
      polaris: ['deploymentMissingReplicas'],
      kubeScore: ['deployment-replicas', 'horizontalpodautoscaler-replicas'],
      kubescape: [],
    },
    defaults:
      'A manifest without spec.replicas gets 1 from the API server, so it fails. When an HPA or ScaledObject targets the workload it owns the count: its minReplicas (default 1) or minReplicaCount (default 0) is judged instead of spec.replicas.',
  },
  target: 'workload',
  kinds: [
    'Deployment',
    'StatefulSet',
    'ReplicaSet',
    'ReplicationController',
    'Rollout',
  ],
  evaluate(w, ctx) {
    const min = ctx.config.thresholds.minReplicas;
    const bounds = replicaBounds(w, ctx);
    if (bounds.scalers.length > 0) {
      // the autoscaler overwrites spec.replicas, so only its floor counts
      const best = bounds.scalers.reduce((a, b) => (b.min > a.min ? b : a));
      const field = best.minPath.replace('spec.', '');
      return best.min >= min
        ? pass(
            `${named(best.scaler)} keeps at least ${best.min} replicas`,
            bounds.evidence,
          )
        : fail(
            `${named(best.scaler)} may scale down to ${best.min} replica(s)${
              best.minDefaulted ? ` (${field} is not set)` : ''
            }, fewer than ${min}`,
            bounds.evidence,
          );
    }
    if (bounds.min >= min)
      return pass(`${bounds.min} replicas`, bounds.evidence);
    const raw = obj(w.object.spec)?.replicas;
    return fail(
      w.replicas !== undefined
        ? `${bounds.min} replica(s), fewer than ${min}`
        : raw === undefined || raw === null
        ? `spec.replicas is not set, so it runs 1 replica (minimum ${min})`
        : `spec.replicas is not a number (${JSON.stringify(
            raw,
          )}), so it is read as 1 (minimum ${min})`,
      bounds.evidence,
    );
  },
  fixtures: [
    {
      name: 'two replicas pass',
      expect: 'pass',
      upstream: ['kubeScore:deployment-replicas', 'polaris:deploymentMissingReplicas'],
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}`,
    },
    {
      name: 'unset replicas fail in a manifest',
      expect: 'fail',
      upstream: ['polaris:deploymentMissingReplicas'],
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}`,
    },
    {
      name: 'an HPA with minReplicas 3 counts',
      expect: 'pass',
      upstream: ['kubeScore:horizontalpodautoscaler-replicas'],
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 3
  maxReplicas: 10`,
    },
    {
      name: 'an HPA with the default minReplicas fails even when spec.replicas is 3',
      expect: 'fail',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 10`,
    },
    {
      name: 'a KEDA ScaledObject that may scale to zero fails',
      expect: 'fail',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: worker}
spec:
  replicas: 2
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
      name: 'a ScaledObject with minReplicaCount 2 passes',
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
  minReplicaCount: 2
  triggers: [{type: cpu, metadata: {value: "60"}}]`,
    },
    {
      name: 'a string replica count is read as unset',
      expect: 'fail',
      yaml: `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  replicas: "3"
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: postgres:16}]}`,
    },
    {
      name: 'a configured threshold of 3 fails two replicas',
      expect: 'fail',
      config: { thresholds: { minReplicas: 3 } },
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}`,
    },
    {
      name: 'one replica fails (kube-score deployment-replicas: fail)',
      expect: 'fail',
      upstream: ['kubeScore:deployment-replicas'],
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}`,
    },
    {
      name: 'an HPA with minReplicas 1 fails (kube-score horizontalpodautoscaler-replicas: fail)',
      expect: 'fail',
      upstream: ['kubeScore:horizontalpodautoscaler-replicas'],
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
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 1
  maxReplicas: 5`,
    },
  ],
});
