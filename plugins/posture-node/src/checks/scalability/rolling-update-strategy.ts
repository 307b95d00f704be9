import { defineCheck, fail, pass } from '../../engine/check';
import { obj } from '../../engine/k8s';

/** Where each kind keeps its update strategy, and the type that replaces pods gradually. */
const FIELD: Record<string, 'strategy' | 'updateStrategy'> = {
  Deployment: 'strategy',
  StatefulSet: 'updateStrategy',
  DaemonSet: 'updateStrategy',
};
const ALTERNATIVE: Record<string, string> = {
  Deployment: 'Recreate',
  StatefulSet: 'OnDelete',
  DaemonSet: 'OnDelete',
};

export default defineCheck({
  meta: {
    id: 'rolling-update-strategy',
    title: 'Updates roll out gradually',
    pillar: 'scalability',
    category: 'Rollouts',
    severity: 'medium',
    rationale:
      'Recreate stops every old pod before starting new ones, so each deployment is an outage; OnDelete never replaces pods until someone deletes them, so fixes silently do not roll out.',
    remediation: {
      text: 'Use the RollingUpdate strategy (the default): leave the field out or set its type to RollingUpdate.',
      patch:
        'spec:\n  strategy:\n    type: RollingUpdate\n    rollingUpdate:\n      maxUnavailable: 0\n      maxSurge: 1\n',
    },
    references: { kubeScore: ['deployment-strategy'] },
    defaults:
      'A manifest that leaves out spec.strategy (Deployment) or spec.updateStrategy (StatefulSet, DaemonSet), or its type, gets RollingUpdate from the API server, so it passes.',
  },
  target: 'workload',
  kinds: ['Deployment', 'StatefulSet', 'DaemonSet'],
  evaluate(w) {
    const field = FIELD[w.kind];
    const path = `spec.${field}`;
    const raw = obj(w.object.spec)?.[field];
    if (raw === undefined || raw === null)
      return pass(`${path} is not set, so the API server uses RollingUpdate`);
    const strategy = obj(raw);
    if (!strategy)
      return fail(`${path} must be a map`, [
        { path, value: JSON.stringify(raw) },
      ]);
    const type = strategy.type;
    if (type === undefined || type === null)
      return pass(
        `${path}.type is not set, so the API server uses RollingUpdate`,
      );
    if (type === 'RollingUpdate')
      return pass('RollingUpdate', [{ path: `${path}.type`, value: type }]);
    if (type === ALTERNATIVE[w.kind]) {
      return fail(
        type === 'Recreate'
          ? 'Recreate stops every pod before starting the new version'
          : 'OnDelete only updates pods when they are deleted by hand',
        [{ path: `${path}.type`, value: type }],
      );
    }
    return fail(
      `${path}.type ${JSON.stringify(
        type,
      )} is not a valid strategy (RollingUpdate or ${ALTERNATIVE[w.kind]})`,
      [{ path: `${path}.type`, value: JSON.stringify(type) }],
    );
  },
  fixtures: [
    {
      name: 'a Deployment behind a Service with RollingUpdate passes (kube-score deployment-strategy: pass)',
      expect: 'pass',
      upstream: ['kubeScore:deployment-strategy'],
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  strategy: {type: RollingUpdate}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80}]`,
    },
    {
      name: 'a Deployment behind a Service with Recreate fails (kube-score deployment-strategy: fail)',
      expect: 'fail',
      upstream: ['kubeScore:deployment-strategy'],
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  strategy: {type: Recreate}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80}]`,
    },
    {
      name: 'an omitted strategy passes (defaults to RollingUpdate)',
      expect: 'pass',
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
      name: 'Recreate fails',
      expect: 'fail',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  strategy: {type: Recreate}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}`,
    },
    {
      name: 'a StatefulSet with OnDelete fails',
      expect: 'fail',
      yaml: `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  updateStrategy: {type: OnDelete}
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: postgres:16}]}`,
    },
    {
      name: 'a DaemonSet with RollingUpdate passes',
      expect: 'pass',
      yaml: `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  updateStrategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 1}}
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec: {containers: [{name: a, image: agent:1.0}]}`,
    },
    {
      name: 'a strategy with only rollingUpdate parameters passes',
      expect: 'pass',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  strategy: {rollingUpdate: {maxSurge: 1}}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}`,
    },
    {
      name: 'a Deployment with the StatefulSet spelling OnDelete fails as invalid',
      expect: 'fail',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  strategy: {type: OnDelete}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}`,
    },
    {
      name: 'a strategy of the wrong type fails',
      expect: 'fail',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  strategy: Recreate
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}`,
    },
  ],
});
