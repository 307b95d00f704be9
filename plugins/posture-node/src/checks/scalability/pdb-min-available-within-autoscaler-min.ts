import { Evidence } from '@posture-dev/backstage-plugin-posture-common';
import { defineCheck, fail, notApplicable, pass } from '../../engine/check';
import { obj, refOf } from '../../engine/k8s';
import { intOrPercent, named, scaledCount, scalerBounds } from './_scaling';

export default defineCheck({
  meta: {
    id: 'pdb-min-available-within-autoscaler-min',
    title: 'PDB minAvailable is not above the autoscaler minimum',
    pillar: 'scalability',
    category: 'Availability',
    severity: 'medium',
    rationale:
      'When the autoscaler scales down to minReplicas and the PodDisruptionBudget requires more pods than that to stay available, no pod can be evicted: node drains and upgrades block exactly when load is low.',
    remediation: {
      text: 'Lower the budget minAvailable to at most the autoscaler minReplicas (better: below it), or use maxUnavailable instead.',
      patch: 'spec:\n  maxUnavailable: 1\n',
    },
    references: { polaris: ['pdbMinAvailableGreaterThanHPAMinReplicas'] },
    defaults:
      'An HPA without minReplicas scales down to 1 (the API server default) and a ScaledObject without minReplicaCount to 0, so those defaults are compared; a minimum of 0 is compared as 1, since with no pods there is nothing to evict. A percentage minAvailable is rounded up against the autoscaler minimum. Not applicable without both a budget with minAvailable and an autoscaler.',
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
    const scalers = ctx.index.scalersFor(w).map(scalerBounds);
    if (scalers.length === 0)
      return notApplicable('No autoscaler targets the workload');
    const budgets = ctx.index
      .pdbsFor(w)
      .map(p => ({ pdb: p, min: intOrPercent(obj(p.spec)?.minAvailable) }))
      .filter(b => b.min && b.min.kind !== 'invalid');
    if (budgets.length === 0)
      return notApplicable(
        'No PodDisruptionBudget with minAvailable selects the pods',
      );

    const problems: string[] = [];
    const evidence: Evidence[] = [];
    for (const { pdb, min } of budgets) {
      for (const s of scalers) {
        // at zero replicas there is nothing to evict; scale-to-zero is judged at one pod
        const floor = Math.max(1, s.min);
        const needed = scaledCount(min!, floor);
        if (needed <= floor) continue;
        problems.push(
          `${named(pdb)} needs ${needed} pod(s) available (minAvailable ${
            min!.raw
          }) but ${named(s.scaler)} may scale down to ${s.min}${
            s.minDefaulted ? ' (its default)' : ''
          }`,
        );
        evidence.push(
          { path: 'spec.minAvailable', value: min!.raw, object: refOf(pdb) },
          {
            path: s.minPath,
            value: s.minDefaulted ? `(unset: ${s.min})` : String(s.min),
            object: refOf(s.scaler),
          },
        );
      }
    }
    if (problems.length > 0) return fail(problems.join('; '), evidence);
    const floor = Math.max(1, scalers.reduce((m, s) => Math.min(m, s.min), Infinity));
    return pass(
      `minAvailable of ${budgets
        .map(b => named(b.pdb))
        .join(', ')} fits within the autoscaler minimum of ${floor}`,
    );
  },
  fixtures: [
    {
      name: 'minAvailable below the HPA minimum passes',
      expect: 'pass',
      upstream: ['polaris:pdbMinAvailableGreaterThanHPAMinReplicas'],
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: zookeeper}
spec:
  template:
    metadata: {labels: {app.kubernetes.io/name: zookeeper, foo: bar}}
    spec: {containers: [{name: zookeeper, image: zookeeper:3.9}]}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: zookeeper-pdb}
spec:
  minAvailable: 2
  selector: {matchLabels: {app.kubernetes.io/name: zookeeper}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: zookeeper-hpa}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: zookeeper}
  minReplicas: 5
  maxReplicas: 7`,
    },
    {
      name: 'minAvailable equal to the HPA minimum passes',
      expect: 'pass',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: zookeeper}
spec:
  template:
    metadata: {labels: {app.kubernetes.io/name: zookeeper}}
    spec: {containers: [{name: zookeeper, image: zookeeper:3.9}]}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: zookeeper-pdb}
spec:
  minAvailable: 5
  selector: {matchLabels: {app.kubernetes.io/name: zookeeper}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: zookeeper-hpa}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: zookeeper}
  minReplicas: 5
  maxReplicas: 7`,
    },
    {
      name: 'minAvailable above the HPA minimum fails',
      expect: 'fail',
      upstream: ['polaris:pdbMinAvailableGreaterThanHPAMinReplicas'],
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: zookeeper}
spec:
  template:
    metadata: {labels: {app.kubernetes.io/name: zookeeper}}
    spec: {containers: [{name: zookeeper, image: zookeeper:3.9}]}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: zookeeper-pdb}
spec:
  minAvailable: 10
  selector: {matchLabels: {app.kubernetes.io/name: zookeeper}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: zookeeper-hpa}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: zookeeper}
  minReplicas: 5
  maxReplicas: 7`,
    },
    {
      name: 'a percentage over 100 fails',
      expect: 'fail',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: zookeeper}
spec:
  replicas: 10
  template:
    metadata: {labels: {app.kubernetes.io/name: zookeeper}}
    spec: {containers: [{name: zookeeper, image: zookeeper:3.9}]}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: zookeeper-pdb}
spec:
  minAvailable: 150%
  selector: {matchLabels: {app.kubernetes.io/name: zookeeper}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: zookeeper-hpa}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: zookeeper}
  minReplicas: 10
  maxReplicas: 15`,
    },
    {
      name: 'the default HPA minimum of 1 is compared',
      expect: 'fail',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: zookeeper}
spec:
  template:
    metadata: {labels: {app.kubernetes.io/name: zookeeper}}
    spec: {containers: [{name: zookeeper, image: zookeeper:3.9}]}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: zookeeper-pdb}
spec:
  minAvailable: 2
  selector: {matchLabels: {app.kubernetes.io/name: zookeeper}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: zookeeper-hpa}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: zookeeper}
  maxReplicas: 5`,
    },
    {
      name: 'a 50% budget fits any minimum',
      expect: 'pass',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: zookeeper}
spec:
  template:
    metadata: {labels: {app.kubernetes.io/name: zookeeper}}
    spec: {containers: [{name: zookeeper, image: zookeeper:3.9}]}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: zookeeper-pdb}
spec:
  minAvailable: 50%
  selector: {matchLabels: {app.kubernetes.io/name: zookeeper}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: zookeeper-hpa}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: zookeeper}
  minReplicas: 5
  maxReplicas: 7`,
    },
    {
      name: 'a budget with maxUnavailable is not applicable',
      expect: 'not-applicable',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: zookeeper}
spec:
  template:
    metadata: {labels: {app.kubernetes.io/name: zookeeper}}
    spec: {containers: [{name: zookeeper, image: zookeeper:3.9}]}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: zookeeper-pdb}
spec:
  maxUnavailable: 5
  selector: {matchLabels: {app.kubernetes.io/name: zookeeper}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: zookeeper-hpa}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: zookeeper}
  minReplicas: 5
  maxReplicas: 7`,
    },
    {
      name: 'an HPA for another workload is not applicable',
      expect: 'not-applicable',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: zookeeper}
spec:
  template:
    metadata: {labels: {app.kubernetes.io/name: zookeeper}}
    spec: {containers: [{name: zookeeper, image: zookeeper:3.9}]}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: zookeeper-pdb}
spec:
  minAvailable: 5
  selector: {matchLabels: {app.kubernetes.io/name: zookeeper}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: zookeeper-hpa}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: no-match}
  minReplicas: 5
  maxReplicas: 7`,
    },
    {
      name: 'a ScaledObject that may scale to zero fails against minAvailable 2',
      expect: 'fail',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: worker}
spec:
  selector: {matchLabels: {app: worker}}
  template:
    metadata: {labels: {app: worker}}
    spec: {containers: [{name: w, image: worker:1.0}]}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: worker}
spec:
  minAvailable: 2
  selector: {matchLabels: {app: worker}}
---
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata: {name: worker}
spec:
  scaleTargetRef: {name: worker}
  triggers: [{type: cpu, metadata: {value: "60"}}]`,
    },
  ],
});
