import { defineCheck, fail, pass } from '../../engine/check';
import { obj, refOf, str } from '../../engine/k8s';
import { show } from '../lib/show';

export default defineCheck({
  meta: {
    id: 'statefulset-headless-service',
    title: 'StatefulSet has its headless Service',
    pillar: 'scalability',
    category: 'Networking',
    severity: 'medium',
    rationale:
      'StatefulSet pods get their stable DNS names (pod-0.<service>) from the headless Service named by spec.serviceName. Without it, or if it is not headless or does not select the pods, peers cannot find each other and clustered software fails to form a quorum.',
    remediation: {
      text: 'Create a Service with clusterIP: None whose selector matches the pod labels, and name it in spec.serviceName.',
      patch:
        'apiVersion: v1\nkind: Service\nmetadata:\n  name: <statefulset>-headless\nspec:\n  clusterIP: None\n  selector:\n    app: <name>\n  ports:\n    - port: 5432\n',
    },
    references: { kubeScore: ['statefulset-has-servicename'] },
    defaults:
      'spec.serviceName has no default; a StatefulSet without one gets no per-pod DNS names and fails. clusterIP must be written as None: an omitted clusterIP is allocated an address by the API server, which is not headless. In manifest mode the Service must be among the scanned manifests.',
  },
  target: 'workload',
  kinds: ['StatefulSet'],
  evaluate(w, ctx) {
    const raw = obj(w.object.spec)?.serviceName;
    const name = str(raw);
    if (!name) {
      return raw === undefined || raw === null || raw === ''
        ? fail('spec.serviceName is not set', [
            { path: 'spec.serviceName', value: '(unset)' },
          ])
        : fail('spec.serviceName must be a string', [
            { path: 'spec.serviceName', value: JSON.stringify(raw) },
          ]);
    }
    const svc = ctx.index.get('Service', w.namespace, name);
    if (!svc) {
      return fail(
        `Service ${name} (spec.serviceName) is not in namespace ${w.namespace}`,
        [{ path: 'spec.serviceName', value: name }],
      );
    }
    const problems: string[] = [];
    const clusterIP = obj(svc.spec)?.clusterIP;
    if (clusterIP !== 'None') {
      problems.push(
        `Service ${name} is not headless (clusterIP is ${
          clusterIP === undefined ? 'unset' : JSON.stringify(clusterIP)
        })`,
      );
    }
    if (!ctx.index.servicesFor(w).includes(svc))
      problems.push(`Service ${name} does not select the pods`);
    if (problems.length > 0) {
      return fail(problems.join('; '), [
        { path: 'spec.serviceName', value: name },
        {
          path: 'spec.clusterIP',
          value: show(clusterIP),
          object: refOf(svc),
        },
      ]);
    }
    return pass(`Headless Service ${name} selects the pods`, [
      { path: 'spec.serviceName', value: name },
    ]);
  },
  fixtures: [
    {
      name: 'a headless Service selecting the pods passes',
      expect: 'pass',
      upstream: ['kubeScore:statefulset-has-servicename'],
      yaml: `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db-headless
  replicas: 3
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: postgres:16}]}
---
apiVersion: v1
kind: Service
metadata: {name: db-headless}
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{port: 5432}]`,
    },
    {
      name: 'no serviceName fails',
      expect: 'fail',
      upstream: ['kubeScore:statefulset-has-servicename'],
      yaml: `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: postgres:16}]}`,
    },
    {
      name: 'a missing Service fails',
      expect: 'fail',
      yaml: `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: postgres:16}]}`,
    },
    {
      name: 'a ClusterIP Service fails',
      expect: 'fail',
      yaml: `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: postgres:16}]}
---
apiVersion: v1
kind: Service
metadata: {name: db}
spec:
  selector: {app: db}
  ports: [{port: 5432}]`,
    },
    {
      name: 'a headless Service that selects other pods fails',
      expect: 'fail',
      yaml: `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: postgres:16}]}
---
apiVersion: v1
kind: Service
metadata: {name: db}
spec:
  clusterIP: None
  selector: {app: database}`,
    },
    {
      name: 'a serviceName of the wrong type fails',
      expect: 'fail',
      yaml: `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: 5
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: postgres:16}]}`,
    },
  ],
});
