import { defineCheck, fail, notApplicable, pass } from '../../engine/check';
import { refOf } from '../../engine/k8s';
import { hasPolicy, named, replicaBounds } from './_scaling';

export default defineCheck({
  meta: {
    id: 'pdb-present',
    title: 'A PodDisruptionBudget covers the pods',
    pillar: 'scalability',
    category: 'Availability',
    severity: 'medium',
    rationale:
      'Without a PodDisruptionBudget a node drain or cluster upgrade may evict every replica at once, so running several replicas does not keep the service up during maintenance.',
    remediation: {
      text: 'Add a PodDisruptionBudget whose selector matches the pod labels, with maxUnavailable: 1 (or a minAvailable below the replica count).',
      patch:
        'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: <name>\nspec:\n  maxUnavailable: 1\n  selector:\n    matchLabels:\n      app: <name>\n',
    },
    references: {
      polaris: ['missingPodDisruptionBudget'],
      kubeScore: [
        'deployment-has-poddisruptionbudget',
        'statefulset-has-poddisruptionbudget',
      ],
    },
    defaults:
      'Applies when the workload may run 2 or more replicas (spec.replicas, which defaults to 1, or an autoscaler maximum); below that it is not applicable. The PDB selector is matched against the pod template labels with full matchLabels and matchExpressions semantics, in the same namespace. A policy/v1 budget with neither minAvailable nor maxUnavailable limits nothing and does not count (policy/v1beta1 defaulted minAvailable to 1, so it counts there).',
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
    const bounds = replicaBounds(w, ctx);
    if (bounds.max < 2)
      return notApplicable(
        `Runs at most ${bounds.max} replica; a budget protects nothing`,
      );
    const selecting = ctx.index.pdbsFor(w);
    // a budget with neither minAvailable nor maxUnavailable limits no eviction, so it covers nothing
    const pdbs = selecting.filter(hasPolicy);
    if (pdbs.length > 0) {
      return pass(
        `Covered by ${pdbs.map(named).join(', ')}`,
        pdbs.map(p => ({ path: 'spec.selector', object: refOf(p) })),
      );
    }
    if (selecting.length > 0)
      return fail(
        `${selecting.map(named).join(', ')} select(s) the pods of ${w.kind} ${w.name} but set neither minAvailable nor maxUnavailable, so no eviction is limited`,
        selecting.map(p => ({ path: 'spec', value: '(no minAvailable or maxUnavailable)', object: refOf(p) })),
      );
    return fail(
      `No PodDisruptionBudget in namespace ${w.namespace} selects the pods of ${w.kind} ${w.name}`,
      [{ path: `${w.podMetaPath}.labels`, value: JSON.stringify(w.podLabels) }],
    );
  },
  fixtures: [
    {
      name: 'a matching PDB passes',
      expect: 'pass',
      upstream: ['polaris:missingPodDisruptionBudget', 'kubeScore:deployment-has-poddisruptionbudget'],
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: zookeeper}
spec:
  replicas: 3
  selector: {matchLabels: {app.kubernetes.io/name: zookeeper}}
  template:
    metadata: {labels: {app.kubernetes.io/name: zookeeper, foo: bar}}
    spec: {containers: [{name: zookeeper, image: zookeeper:3.9}]}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: zookeeper-pdb}
spec:
  minAvailable: 2
  selector: {matchLabels: {app.kubernetes.io/name: zookeeper}}`,
    },
    {
      name: 'matchExpressions are honoured',
      expect: 'pass',
      upstream: ['kubeScore:statefulset-has-poddisruptionbudget'],
      yaml: `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: kafka}
spec:
  replicas: 3
  serviceName: kafka
  selector: {matchLabels: {app: kafka}}
  template:
    metadata: {labels: {app: kafka, tier: data}}
    spec: {containers: [{name: kafka, image: kafka:3.7}]}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: data}
spec:
  maxUnavailable: 1
  selector:
    matchExpressions:
      - {key: tier, operator: In, values: [data, cache]}
      - {key: legacy, operator: DoesNotExist}`,
    },
    {
      name: 'a PDB that matches only one of two labels does not count',
      expect: 'fail',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web}
spec:
  maxUnavailable: 1
  selector: {matchLabels: {app: web, tier: frontend}}`,
    },
    {
      name: 'a PDB matching the Deployment labels but not the pod labels does not count',
      expect: 'fail',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: zookeeper
  labels: {app.kubernetes.io/name: zookeeper}
spec:
  replicas: 2
  template:
    spec: {containers: [{name: zookeeper, image: zookeeper:3.9}]}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: zookeeper-pdb}
spec:
  minAvailable: 1
  selector: {matchLabels: {app.kubernetes.io/name: zookeeper}}`,
    },
    {
      name: 'a PDB in another namespace does not count',
      expect: 'fail',
      upstream: ['polaris:missingPodDisruptionBudget', 'kubeScore:deployment-has-poddisruptionbudget'],
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: zookeeper, namespace: rightnamespace}
spec:
  replicas: 3
  selector: {matchLabels: {app: zookeeper}}
  template:
    metadata: {labels: {app: zookeeper}}
    spec: {containers: [{name: zookeeper, image: zookeeper:3.9}]}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: zk-pdb, namespace: wrongnamespace}
spec:
  minAvailable: 2
  selector: {matchLabels: {app: zookeeper}}`,
    },
    {
      name: 'an HPA that may scale out makes it applicable',
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
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 4`,
    },
    {
      name: 'a single replica is not applicable',
      expect: 'not-applicable',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: zookeeper}
spec:
  template:
    metadata: {labels: {app: zookeeper}}
    spec: {containers: [{name: zookeeper, image: zookeeper:3.9}]}`,
    },
    {
      name: 'a PDB with neither minAvailable nor maxUnavailable does not count',
      expect: 'fail',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}`,
    },
    {
      name: 'a PDB with a broken selector matches nothing',
      expect: 'fail',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web}
spec:
  maxUnavailable: 1
  selector: {matchExpressions: [{key: app, operator: Equals, values: [web]}]}`,
    },
    {
      name: 'a StatefulSet without a PDB fails (kube-score statefulset-has-poddisruptionbudget: fail)',
      expect: 'fail',
      upstream: ['kubeScore:statefulset-has-poddisruptionbudget'],
      yaml: `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: kafka}
spec:
  replicas: 3
  serviceName: kafka
  selector: {matchLabels: {app: kafka}}
  template:
    metadata: {labels: {app: kafka}}
    spec: {containers: [{name: kafka, image: kafka:3.7}]}`,
    },
  ],
});
