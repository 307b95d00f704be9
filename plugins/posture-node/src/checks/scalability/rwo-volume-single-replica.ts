import { Evidence } from '@posture-dev/backstage-plugin-posture-common';
import { defineCheck, fail, notApplicable, pass } from '../../engine/check';
import { arr, obj, refOf, str } from '../../engine/k8s';
import { replicaBounds } from './_scaling';

export default defineCheck({
  meta: {
    id: 'rwo-volume-single-replica',
    title: 'Replicated pods do not share a ReadWriteOnce volume',
    pillar: 'scalability',
    category: 'Storage',
    severity: 'high',
    rationale:
      'A ReadWriteOnce volume attaches to one node (ReadWriteOncePod to one pod). Replicas of a Deployment all mount the same claim, so every replica scheduled on another node hangs in ContainerCreating with a Multi-Attach error, and scaling out silently does not work.',
    remediation: {
      text: 'Use a StatefulSet with volumeClaimTemplates (one claim per replica), a ReadWriteMany storage class, or run a single replica.',
      patch:
        'apiVersion: apps/v1\nkind: StatefulSet\nspec:\n  volumeClaimTemplates:\n    - metadata:\n        name: data\n      spec:\n        accessModes: [ReadWriteOnce]\n        resources:\n          requests:\n            storage: 10Gi\n',
    },
    references: {},
    defaults:
      'Applies when the workload may run 2 or more replicas (spec.replicas defaults to 1; an autoscaler maximum counts). Only claims found in the snapshot are judged; a claim that is also ReadWriteMany, or ReadOnlyMany mounted readOnly, is shared safely.',
  },
  target: 'workload',
  kinds: ['Deployment', 'ReplicaSet', 'ReplicationController', 'Rollout'],
  evaluate(w, ctx) {
    const claims = arr(w.podSpec.volumes)
      .map((v, i) => ({ volume: obj(v), i }))
      .filter(({ volume }) => obj(volume?.persistentVolumeClaim))
      .map(({ volume, i }) => ({
        i,
        name: str(volume!.name) ?? `#${i}`,
        claim: str(volume!.persistentVolumeClaim.claimName),
        readOnly: volume!.persistentVolumeClaim.readOnly === true,
      }));
    if (claims.length === 0)
      return notApplicable('No PersistentVolumeClaim volumes');
    const bounds = replicaBounds(w, ctx);
    if (bounds.max < 2)
      return notApplicable(`Runs at most ${bounds.max} replica`);

    const problems: string[] = [];
    const evidence: Evidence[] = [];
    let judged = 0;
    for (const c of claims) {
      if (!c.claim) continue;
      const pvc = ctx.index.get('PersistentVolumeClaim', w.namespace, c.claim);
      if (!pvc) continue;
      const modes = arr(obj(pvc.spec)?.accessModes).filter(
        (m): m is string => typeof m === 'string',
      );
      if (modes.length === 0) continue;
      judged++;
      const shared =
        modes.includes('ReadWriteMany') ||
        (modes.includes('ReadOnlyMany') && c.readOnly);
      const single = modes.find(
        m => m === 'ReadWriteOnce' || m === 'ReadWriteOncePod',
      );
      if (!shared && single) {
        problems.push(`volume ${c.name} mounts ${single} claim ${c.claim}`);
        evidence.push(
          {
            path: `${w.podSpecPath}.volumes[${c.i}].persistentVolumeClaim.claimName`,
            value: c.claim,
          },
          {
            path: 'spec.accessModes',
            value: modes.join(', '),
            object: refOf(pvc),
          },
        );
      }
    }
    if (judged === 0)
      return notApplicable('None of the claims is in the snapshot');
    if (problems.length > 0) {
      return fail(
        `Up to ${
          bounds.max
        } replicas share a single-node volume: ${problems.join('; ')}`,
        [...evidence, ...bounds.evidence],
      );
    }
    return pass('Every claim can be mounted by all replicas');
  },
  fixtures: [
    {
      name: 'two replicas on a ReadWriteOnce claim fail',
      expect: 'fail',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx:1.27, volumeMounts: [{name: data, mountPath: /data}]}]
      volumes: [{name: data, persistentVolumeClaim: {claimName: web-data}}]
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: web-data}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}`,
    },
    {
      name: 'a ReadWriteMany claim passes',
      expect: 'pass',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx:1.27}]
      volumes: [{name: data, persistentVolumeClaim: {claimName: shared}}]
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: shared}
spec:
  accessModes: [ReadWriteMany]`,
    },
    {
      name: 'a ReadOnlyMany claim mounted read-only passes',
      expect: 'pass',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx:1.27}]
      volumes: [{name: assets, persistentVolumeClaim: {claimName: assets, readOnly: true}}]
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: assets}
spec:
  accessModes: [ReadWriteOnce, ReadOnlyMany]`,
    },
    {
      name: 'an HPA that may scale out makes a single replica applicable',
      expect: 'fail',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx:1.27}]
      volumes: [{name: data, persistentVolumeClaim: {claimName: web-data}}]
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: web-data}
spec:
  accessModes: [ReadWriteOncePod]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 3`,
    },
    {
      name: 'a single replica is not applicable',
      expect: 'not-applicable',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx:1.27}]
      volumes: [{name: data, persistentVolumeClaim: {claimName: web-data}}]
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: web-data}
spec:
  accessModes: [ReadWriteOnce]`,
    },
    {
      name: 'a claim not in the snapshot is not applicable',
      expect: 'not-applicable',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx:1.27}]
      volumes: [{name: data, persistentVolumeClaim: {claimName: elsewhere}}]`,
    },
    {
      name: 'a claim in another namespace is not looked up',
      expect: 'not-applicable',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: a}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx:1.27}]
      volumes: [{name: data, persistentVolumeClaim: {claimName: web-data}}]
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: web-data, namespace: b}
spec:
  accessModes: [ReadWriteOnce]`,
    },
  ],
});
