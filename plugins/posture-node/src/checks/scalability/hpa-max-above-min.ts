import { defineCheck, fail, pass } from '../../engine/check';
import { obj } from '../../engine/k8s';

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

export default defineCheck({
  meta: {
    id: 'hpa-max-above-min',
    title: 'HPA has room to scale out',
    pillar: 'scalability',
    category: 'Autoscaling',
    severity: 'medium',
    rationale:
      'An HorizontalPodAutoscaler whose maxReplicas is not above minReplicas can never add a replica: it looks like autoscaling in review, but the service stays at a fixed size under any load.',
    remediation: {
      text: 'Set maxReplicas above minReplicas, to the most replicas the service (and its dependencies) can usefully run.',
      patch: 'spec:\n  maxReplicas: 10\n',
    },
    references: { polaris: ['hpaMaxAvailability'] },
    defaults:
      'maxReplicas has no default and is required, so unset fails. An absent minReplicas is 1, as the API server fills it in. Whether minReplicas keeps enough replicas is judged by hpa-replica-range.',
  },
  target: 'object',
  kinds: ['HorizontalPodAutoscaler'],
  evaluate(o) {
    const spec = obj(o.spec) ?? {};
    const rawMin = spec.minReplicas;
    let min: number | undefined = 1;
    if (rawMin !== undefined && rawMin !== null) min = isCount(rawMin) ? rawMin : undefined;
    const max = spec.maxReplicas;
    if (max === undefined || max === null)
      return fail('maxReplicas is not set (it is required)', [{ path: 'spec.maxReplicas', value: '(unset)' }]);
    if (!isCount(max))
      return fail(`maxReplicas must be an integer, got ${JSON.stringify(max)}`, [{ path: 'spec.maxReplicas', value: JSON.stringify(max) }]);
    if (min === undefined)
      return fail(`minReplicas must be an integer, got ${JSON.stringify(rawMin)}`, [{ path: 'spec.minReplicas', value: JSON.stringify(rawMin) }]);
    if (max <= min)
      return fail(`maxReplicas ${max} is not above minReplicas ${min}, so it cannot scale out`, [
        { path: 'spec.maxReplicas', value: String(max) },
        { path: 'spec.minReplicas', value: rawMin === undefined || rawMin === null ? '(unset: 1)' : String(min) },
      ]);
    return pass(`May scale from ${min} up to ${max} replicas`);
  },
  fixtures: [
    {
      name: 'max above min passes (Polaris hpaMaxAvailability: pass)',
      expect: 'pass',
      upstream: ['polaris:hpaMaxAvailability'],
      yaml: `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: php-apache}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: php-apache}
  minReplicas: 5
  maxReplicas: 10`,
    },
    {
      name: 'max equal to min fails (Polaris hpaMaxAvailability: fail)',
      expect: 'fail',
      upstream: ['polaris:hpaMaxAvailability'],
      yaml: `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: php-apache}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: php-apache}
  minReplicas: 5
  maxReplicas: 5`,
    },
    {
      name: 'an absent minReplicas is 1',
      expect: 'pass',
      yaml: `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: h}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: d}
  maxReplicas: 10`,
    },
    {
      name: 'absent maxReplicas fails',
      expect: 'fail',
      yaml: `apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata: {name: h}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: d}
  minReplicas: 3`,
    },
  ],
});
