import { defineCheck, fail, pass } from '../../engine/check';
import { obj } from '../../engine/k8s';

export default defineCheck({
  meta: {
    id: 'cronjob-starting-deadline',
    title: 'CronJobs set a starting deadline',
    pillar: 'scalability',
    category: 'Batch',
    severity: 'low',
    rationale:
      'Without startingDeadlineSeconds a CronJob that missed its schedule (controller down, cluster upgrade, quota full) starts late whenever it can, and after more than 100 missed schedules the controller stops scheduling it at all until someone intervenes.',
    remediation: {
      text: 'Set spec.startingDeadlineSeconds to how late a run may still start (for example a fraction of the schedule interval).',
      patch: 'spec:\n  startingDeadlineSeconds: 600\n',
    },
    references: { kubeScore: ['cronjob-has-deadline'] },
    defaults: 'startingDeadlineSeconds has no default (unset means no deadline), so unset fails in manifests and live objects alike.',
  },
  target: 'workload',
  kinds: ['CronJob'],
  evaluate(w) {
    const v = obj(w.object.spec)?.startingDeadlineSeconds;
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return pass(`startingDeadlineSeconds is ${v}`);
    return fail(
      v === undefined || v === null ? 'startingDeadlineSeconds is not set, so missed runs start whenever they can' : 'startingDeadlineSeconds must be a non-negative integer',
      [{ path: 'spec.startingDeadlineSeconds', value: v === undefined || v === null ? '(unset)' : JSON.stringify(v) }],
    );
  },
  fixtures: [
    {
      name: 'a deadline passes (kube-score cronjob-has-deadline: pass)',
      expect: 'pass',
      upstream: ['kubeScore:cronjob-has-deadline'],
      yaml: `apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "0 3 * * *"
  startingDeadlineSeconds: 600
  jobTemplate: {spec: {template: {spec: {restartPolicy: OnFailure, containers: [{name: a, image: a:1}]}}}}`,
    },
    {
      name: 'no deadline fails (kube-score cronjob-has-deadline: fail)',
      expect: 'fail',
      upstream: ['kubeScore:cronjob-has-deadline'],
      yaml: `apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "0 3 * * *"
  jobTemplate: {spec: {template: {spec: {restartPolicy: OnFailure, containers: [{name: a, image: a:1}]}}}}`,
    },
  ],
});
