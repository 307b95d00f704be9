import { defineCheck, fail, pass } from '../../engine/check';

const VALID = new Set(['OnFailure', 'Never']);

export default defineCheck({
  meta: {
    id: 'cronjob-restart-policy',
    title: 'CronJob pods restart OnFailure or Never',
    pillar: 'scalability',
    category: 'Batch',
    severity: 'medium',
    rationale:
      'A Job\'s pods must have restartPolicy OnFailure or Never. The pod default is Always, which the API server rejects for a Job, so a CronJob that leaves it out creates no run at all: every scheduled Job fails to be created.',
    remediation: {
      text: 'Set restartPolicy: OnFailure (retry in place) or Never (a new pod per retry) in the job template.',
      patch: 'spec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n',
    },
    references: { kubeScore: ['cronjob-restartpolicy'] },
    defaults:
      'The API server defaults a pod template\'s restartPolicy to Always, which a Job rejects, so unset fails in manifests. A live CronJob always has a valid one (it could not have been created otherwise). kube-score judges CronJobs only, and so does this check.',
  },
  target: 'workload',
  kinds: ['CronJob'],
  evaluate(w) {
    const v = w.podSpec.restartPolicy;
    const path = `${w.podSpecPath}.restartPolicy`;
    if (typeof v === 'string' && VALID.has(v)) return pass(`restartPolicy is ${v}`);
    return fail(
      v === undefined || v === null
        ? 'restartPolicy is not set; the pod default Always is rejected for Jobs'
        : `restartPolicy must be OnFailure or Never`,
      [{ path, value: v === undefined || v === null ? '(unset: Always)' : JSON.stringify(v) }],
    );
  },
  fixtures: [
    {
      name: 'OnFailure passes (kube-score cronjob-restartpolicy: pass)',
      expect: 'pass',
      upstream: ['kubeScore:cronjob-restartpolicy'],
      yaml: `apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "0 3 * * *"
  jobTemplate: {spec: {template: {spec: {restartPolicy: OnFailure, containers: [{name: a, image: a:1}]}}}}`,
    },
    {
      name: 'unset fails (kube-score cronjob-restartpolicy: fail)',
      expect: 'fail',
      upstream: ['kubeScore:cronjob-restartpolicy'],
      yaml: `apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "0 3 * * *"
  jobTemplate: {spec: {template: {spec: {containers: [{name: a, image: a:1}]}}}}`,
    },
    {
      name: 'Always fails',
      expect: 'fail',
      yaml: `apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "0 3 * * *"
  jobTemplate: {spec: {template: {spec: {restartPolicy: Always, containers: [{name: a, image: a:1}]}}}}`,
    },
  ],
});
