import { defineCheck, fail, pass } from '../../engine/check';
import { arr, obj, str } from '../../engine/k8s';

export default defineCheck({
  meta: {
    id: 'managed-by-controller',
    title: 'Pods are managed by a controller',
    pillar: 'scalability',
    category: 'Availability',
    severity: 'high',
    rationale:
      'A naked Pod is not recreated when its node fails or it is evicted, and a bare ReplicaSet or a ReplicationController cannot roll out a new version without downtime. A Deployment, StatefulSet, DaemonSet or Job handles both.',
    remediation: {
      text: 'Wrap the pod template in a Deployment (or a StatefulSet, DaemonSet or Job), and replace ReplicationControllers and bare ReplicaSets with Deployments.',
      patch:
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: <name>\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: <name>\n  template:\n    metadata:\n      labels:\n        app: <name>\n    spec:\n      containers: []\n',
    },
    references: { kubescape: ['C-0073'] },
    defaults:
      'Only Pods, ReplicaSets and ReplicationControllers that no workload controller owns are judged. One owned by any other controller (an operator, or a Node for static pods) through metadata.ownerReferences with controller: true passes.',
  },
  target: 'workload',
  kinds: ['Pod', 'ReplicaSet', 'ReplicationController'],
  evaluate(w) {
    const owner = arr(obj(w.object.metadata)?.ownerReferences)
      .map(obj)
      .find(r => r?.controller === true);
    if (owner)
      return pass(
        `Managed by ${str(owner.kind) ?? 'a controller'} ${
          str(owner.name) ?? ''
        }`.trim(),
      );
    const why: Record<string, string> = {
      Pod: 'A naked Pod is not recreated if its node fails',
      ReplicaSet: 'A ReplicaSet without a Deployment cannot roll out updates',
      ReplicationController:
        'ReplicationController is superseded by Deployment',
    };
    return fail(why[w.kind], [
      { path: 'metadata.ownerReferences', value: '(none)' },
    ]);
  },
  fixtures: [
    {
      name: 'a naked Pod fails',
      expect: 'fail',
      upstream: ['kubescape:C-0073'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: debug}
spec: {containers: [{name: a, image: x:1}]}`,
    },
    {
      name: 'a Pod owned by an operator passes',
      expect: 'pass',
      upstream: ['kubescape:C-0073'],
      yaml: `apiVersion: v1
kind: Pod
metadata:
  name: spark-driver
  ownerReferences: [{apiVersion: sparkoperator.k8s.io/v1beta2, kind: SparkApplication, name: job, uid: "1", controller: true}]
spec: {containers: [{name: a, image: spark:3.5}]}`,
    },
    {
      name: 'a non-controller owner reference does not count',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata:
  name: p
  ownerReferences: [{apiVersion: v1, kind: ConfigMap, name: c, uid: "1"}]
spec: {containers: [{name: a, image: x:1}]}`,
    },
    {
      name: 'a bare ReplicaSet fails',
      expect: 'fail',
      yaml: `apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}`,
    },
    {
      name: 'a ReplicationController fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: ReplicationController
metadata: {name: web}
spec:
  replicas: 2
  selector: {app: web}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}`,
    },
    {
      name: 'ownerReferences of the wrong type fail',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, ownerReferences: deployment}
spec: {containers: [{name: a, image: x:1}]}`,
    },
  ],
});
