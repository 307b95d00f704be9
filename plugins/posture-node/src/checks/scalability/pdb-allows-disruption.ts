import { Evidence } from '@posture-dev/backstage-plugin-posture-common';
import { defineCheck, fail, notApplicable, pass } from '../../engine/check';
import { obj } from '../../engine/k8s';
import { SCALABLE_KINDS } from '../../engine/workloads';
import { intOrPercent, replicaBounds, scaledCount } from './_scaling';

export default defineCheck({
  meta: {
    id: 'pdb-allows-disruption',
    title: 'PodDisruptionBudget allows at least one disruption',
    pillar: 'scalability',
    category: 'Availability',
    severity: 'high',
    rationale:
      'A budget that allows zero voluntary disruptions (maxUnavailable 0, minAvailable 100%, or minAvailable at or above the replica count) blocks every node drain, so cluster upgrades and autoscaler scale-downs hang until someone deletes the budget.',
    remediation: {
      text: 'Use maxUnavailable: 1 (or a percentage), or set minAvailable below the number of replicas the workload runs at its smallest.',
      patch: 'spec:\n  maxUnavailable: 1\n',
    },
    references: {
      polaris: ['pdbDisruptionsIsZero'],
    },
    defaults:
      'policy/v1 has no default for minAvailable or maxUnavailable; a budget with neither limits nothing and is not applicable here (pdb-has-policy fails it; policy/v1beta1 defaulted minAvailable to 1). Percentages are rounded up as the disruption controller does. The replica count compared with minAvailable is the smallest the selected workloads run at: an autoscaler minimum, else spec.replicas (default 1); DaemonSets and Jobs have no fixed count and are not compared.',
  },
  target: 'object',
  kinds: ['PodDisruptionBudget'],
  evaluate(o, ctx) {
    const spec = obj(o.spec) ?? {};
    const maxU = intOrPercent(spec.maxUnavailable);
    // policy/v1beta1 defaulted an empty budget to minAvailable: 1
    const v1beta1Default =
      o.apiVersion === 'policy/v1beta1' && (spec.minAvailable ?? null) === null && (spec.maxUnavailable ?? null) === null;
    const minA = intOrPercent(v1beta1Default ? 1 : spec.minAvailable);
    const problems: string[] = [];
    const evidence: Evidence[] = [];
    const flag = (path: string, value: string, why: string) => {
      problems.push(why);
      evidence.push({ path, value });
    };

    if (maxU?.kind === 'invalid')
      flag(
        'spec.maxUnavailable',
        maxU.raw,
        `maxUnavailable ${maxU.raw} ${maxU.reason}`,
      );
    else if (maxU && maxU.value === 0)
      flag(
        'spec.maxUnavailable',
        maxU.raw,
        `maxUnavailable ${maxU.raw} allows no pod to be evicted`,
      );

    if (minA?.kind === 'invalid')
      flag(
        'spec.minAvailable',
        minA.raw,
        `minAvailable ${minA.raw} ${minA.reason}`,
      );
    else if (minA?.kind === 'percent' && minA.value >= 100) {
      flag(
        'spec.minAvailable',
        minA.raw,
        `minAvailable ${minA.raw} keeps every pod, so none can be evicted`,
      );
    } else if (minA) {
      // the budget counts every pod it selects, across workloads
      let total = 0;
      let known = true;
      const selected = ctx.index.selectedBy(o);
      for (const w of selected) {
        if (SCALABLE_KINDS.has(w.kind))
          total += Math.max(1, replicaBounds(w, ctx).min);
        else if (w.kind === 'Pod') total += 1;
        else known = false;
      }
      if (known && selected.length > 0) {
        const desired = scaledCount(minA, total);
        if (desired >= total) {
          const names = selected.map(w => `${w.kind} ${w.name}`).join(', ');
          flag(
            'spec.minAvailable',
            minA.raw,
            `minAvailable ${minA.raw} needs ${desired} of the ${total} pod(s) of ${names} at their smallest, so none can be evicted`,
          );
        }
      }
    }

    if (problems.length > 0) return fail(problems.join('; '), evidence);
    const both =
      maxU && minA
        ? ' (minAvailable and maxUnavailable are both set, which the API server rejects)'
        : '';
    if (!maxU && !minA)
      return notApplicable(
        'Neither minAvailable nor maxUnavailable is set: the budget limits nothing (see pdb-has-policy)',
      );
    return pass(`Allows voluntary disruptions${both}`, [
      ...(maxU ? [{ path: 'spec.maxUnavailable', value: maxU.raw }] : []),
      ...(minA ? [{ path: 'spec.minAvailable', value: minA.raw }] : []),
    ]);
  },
  fixtures: [
    {
      name: 'maxUnavailable 0 fails',
      expect: 'fail',
      upstream: ['polaris:pdbDisruptionsIsZero'],
      yaml: `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: nginx}
spec:
  maxUnavailable: 0`,
    },
    {
      name: 'maxUnavailable 0% fails',
      expect: 'fail',
      yaml: `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: nginx}
spec:
  maxUnavailable: 0%`,
    },
    {
      name: 'minAvailable 100% fails',
      expect: 'fail',
      yaml: `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: nginx}
spec:
  minAvailable: 100%`,
    },
    {
      name: 'minAvailable 100% fails even when maxUnavailable is also set',
      expect: 'fail',
      yaml: `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: nginx}
spec:
  minAvailable: 100%
  maxUnavailable: 5`,
    },
    {
      name: 'maxUnavailable 5% passes',
      expect: 'pass',
      upstream: ['polaris:pdbDisruptionsIsZero'],
      yaml: `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: nginx}
spec:
  maxUnavailable: 5%`,
    },
    {
      name: 'no budget fields is not applicable (pdb-has-policy judges it)',
      expect: 'not-applicable',
      yaml: `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: nginx}
spec: {}`,
    },
    {
      name: 'minAvailable equal to the replicas fails',
      expect: 'fail',
      yaml: `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web}
spec:
  minAvailable: 2
  selector: {matchLabels: {app: web}}
---
apiVersion: apps/v1
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
      name: 'minAvailable below the replicas passes',
      expect: 'pass',
      yaml: `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web}
spec:
  minAvailable: 2
  selector: {matchLabels: {app: web}}
---
apiVersion: apps/v1
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
      name: 'minAvailable 1 over a single default replica fails',
      expect: 'fail',
      yaml: `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web}
spec:
  minAvailable: 1
  selector: {matchLabels: {app: web}}
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
      name: 'minAvailable 60% of 2 rounds up to 2 and fails',
      expect: 'fail',
      yaml: `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web}
spec:
  minAvailable: 60%
  selector: {matchLabels: {app: web}}
---
apiVersion: apps/v1
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
      name: 'the HPA minimum is the count that matters',
      expect: 'fail',
      yaml: `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web}
spec:
  minAvailable: 2
  selector: {matchLabels: {app: web}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 4
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
  minReplicas: 2
  maxReplicas: 6`,
    },
    {
      name: 'a non-percentage string fails',
      expect: 'fail',
      yaml: `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web}
spec:
  maxUnavailable: "one"`,
    },
    {
      name: 'a negative number fails',
      expect: 'fail',
      yaml: `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web}
spec:
  minAvailable: -1`,
    },
  ],
});
