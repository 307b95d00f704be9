import { defineCheck, fail, pass } from '../../engine/check';
import { obj, refOf } from '../../engine/k8s';

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
    references: { polaris: ['deploymentMissingReplicas'], kubescape: [] },
    defaults:
      'A manifest without spec.replicas gets 1 from the API server, so it fails unless an HPA or ScaledObject with minReplicas ≥ 2 targets it.',
  },
  target: 'workload',
  kinds: ['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController', 'Rollout'],
  evaluate(w, ctx) {
    const min = ctx.config.thresholds.minReplicas;
    const scalers = ctx.index.scalersFor(w);
    for (const s of scalers) {
      const spec = obj(s.spec);
      // HPA minReplicas defaults to 1; KEDA's minReplicaCount defaults to 0
      const m = s.kind === 'ScaledObject' ? spec?.minReplicaCount ?? 0 : spec?.minReplicas ?? 1;
      if (typeof m === 'number' && m >= min) {
        return pass(`${s.kind} ${s.metadata?.name} keeps at least ${m} replicas`, [
          {
            path: s.kind === 'ScaledObject' ? 'spec.minReplicaCount' : 'spec.minReplicas',
            value: String(m),
            object: refOf(s),
          },
        ]);
      }
    }
    const replicas = w.replicas ?? 1;
    if (replicas >= min) return pass(`${replicas} replicas`, [{ path: 'spec.replicas', value: String(replicas) }]);
    return fail(
      w.replicas === undefined
        ? `spec.replicas is not set, so it runs 1 replica (minimum ${min})`
        : `${replicas} replica(s), fewer than ${min}`,
      [{ path: 'spec.replicas', value: w.replicas === undefined ? '(unset: 1)' : String(replicas) }],
    );
  },
  fixtures: [
    {
      name: 'two replicas pass',
      expect: 'pass',
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
  ],
});
