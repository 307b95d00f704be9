import { defineCheck, fail, pass } from '../../engine/check';
import { str } from '../../engine/k8s';

export default defineCheck({
  meta: {
    id: 'priority-class-set',
    title: 'Pods name a PriorityClass',
    pillar: 'scalability',
    category: 'Scheduling',
    severity: 'low',
    rationale:
      'When a cluster is full, the scheduler pre-empts lower-priority pods to place higher-priority ones. Pods without a PriorityClass all share the default priority, so a batch job can hold the capacity a user-facing service needs during a scale-out.',
    remediation: {
      text: 'Set priorityClassName to a PriorityClass that reflects how important the workload is.',
      patch: 'spec:\n  template:\n    spec:\n      priorityClassName: <class>\n',
    },
    references: { polaris: ['priorityClassNotSet'] },
    defaults:
      'Off by default: priorities only help where the platform defines PriorityClasses, which many clusters do not. An unset priorityClassName fails; the API server fills in the globalDefault class (if the cluster has one) only on live pods, which then pass.',
    optIn: true,
  },
  target: 'workload',
  evaluate(w) {
    const v = str(w.podSpec.priorityClassName);
    if (v) return pass(`priorityClassName is ${v}`);
    return fail('No priorityClassName: the pods get the default priority', [{ path: `${w.podSpecPath}.priorityClassName`, value: '(unset)' }]);
  },
  fixtures: [
    {
      name: 'a priorityClassName passes (Polaris priorityClassNotSet: pass)',
      expect: 'pass',
      upstream: ['polaris:priorityClassNotSet'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: nginx}
spec:
  priorityClassName: high-priority
  containers: [{name: nginx, image: nginx, imagePullPolicy: IfNotPresent}]`,
    },
    {
      name: 'no priorityClassName fails (Polaris priorityClassNotSet: fail)',
      expect: 'fail',
      upstream: ['polaris:priorityClassNotSet'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: nginx}
spec:
  containers: [{name: nginx, image: nginx, imagePullPolicy: IfNotPresent}]`,
    },
  ],
});
