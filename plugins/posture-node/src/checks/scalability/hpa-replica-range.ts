import { Evidence } from '@posture-dev/backstage-plugin-posture-common';
import { defineCheck, fail, pass } from '../../engine/check';
import { obj } from '../../engine/k8s';

const isCount = (v: unknown): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0;

export default defineCheck({
  meta: {
    id: 'hpa-replica-range',
    title: 'HPA keeps at least two replicas and has room to scale',
    pillar: 'scalability',
    category: 'Autoscaling',
    severity: 'medium',
    rationale:
      'An HorizontalPodAutoscaler that may scale down to one replica removes the redundancy a second replica gives, and one whose maxReplicas is not above minReplicas cannot scale at all.',
    remediation: {
      text: 'Set minReplicas to at least 2 and maxReplicas above minReplicas.',
      patch: 'spec:\n  minReplicas: 2\n  maxReplicas: 10\n',
    },
    references: {
      polaris: ['hpaMinAvailability', 'hpaMaxAvailability'],
      kubeScore: ['horizontalpodautoscaler-replicas'],
    },
    defaults:
      'A manifest without minReplicas gets 1 from the API server, so it fails (Polaris passes an absent minReplicas; a live object has the 1 filled in, and we judge both the same). The threshold is thresholds.minReplicas (default 2). maxReplicas has no default and is required.',
  },
  target: 'object',
  kinds: ['HorizontalPodAutoscaler'],
  evaluate(o, ctx) {
    const threshold = ctx.config.thresholds.minReplicas;
    const spec = obj(o.spec) ?? {};
    const problems: string[] = [];
    const evidence: Evidence[] = [];
    let min = 1;
    if (spec.minReplicas === undefined || spec.minReplicas === null) {
      problems.push(
        `minReplicas is not set, so the API server uses 1 (minimum ${threshold})`,
      );
      evidence.push({ path: 'spec.minReplicas', value: '(unset: 1)' });
    } else if (!isCount(spec.minReplicas)) {
      problems.push(
        `minReplicas must be an integer, got ${JSON.stringify(
          spec.minReplicas,
        )}`,
      );
      evidence.push({
        path: 'spec.minReplicas',
        value: JSON.stringify(spec.minReplicas),
      });
    } else {
      min = spec.minReplicas;
      if (min < threshold) {
        problems.push(`minReplicas is ${min}, fewer than ${threshold}`);
        evidence.push({ path: 'spec.minReplicas', value: String(min) });
      }
    }
    if (spec.maxReplicas === undefined || spec.maxReplicas === null) {
      problems.push('maxReplicas is not set (it is required)');
      evidence.push({ path: 'spec.maxReplicas', value: '(unset)' });
    } else if (!isCount(spec.maxReplicas)) {
      problems.push(
        `maxReplicas must be an integer, got ${JSON.stringify(
          spec.maxReplicas,
        )}`,
      );
      evidence.push({
        path: 'spec.maxReplicas',
        value: JSON.stringify(spec.maxReplicas),
      });
    } else if (spec.maxReplicas <= min) {
      problems.push(
        `maxReplicas ${spec.maxReplicas} is not above minReplicas ${min}, so it cannot scale out`,
      );
      evidence.push({
        path: 'spec.maxReplicas',
        value: String(spec.maxReplicas),
      });
    }
    if (problems.length > 0) return fail(problems.join('; '), evidence);
    return pass(`Scales between ${min} and ${spec.maxReplicas} replicas`, [
      { path: 'spec.minReplicas', value: String(min) },
      { path: 'spec.maxReplicas', value: String(spec.maxReplicas) },
    ]);
  },
  fixtures: [
    {
      name: 'min 2, max 10 passes',
      expect: 'pass',
      upstream: ['kubeScore:horizontalpodautoscaler-replicas', 'polaris:hpaMinAvailability', 'polaris:hpaMaxAvailability'],
      yaml: `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: php-apache}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: php-apache}
  minReplicas: 2
  maxReplicas: 10`,
    },
    {
      name: 'min 1 fails',
      expect: 'fail',
      upstream: ['kubeScore:horizontalpodautoscaler-replicas', 'polaris:hpaMinAvailability'],
      yaml: `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: php-apache}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: php-apache}
  minReplicas: 1
  maxReplicas: 10`,
    },
    {
      name: 'max equal to min fails',
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
      name: 'absent minReplicas fails (defaults to 1)',
      expect: 'fail',
      yaml: `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: php-apache}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: php-apache}
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
    {
      name: 'string replica counts fail',
      expect: 'fail',
      yaml: `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: h}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: d}
  minReplicas: "2"
  maxReplicas: "10"`,
    },
    {
      name: 'the configured threshold applies',
      expect: 'fail',
      config: { thresholds: { minReplicas: 3 } },
      yaml: `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: h}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: d}
  minReplicas: 2
  maxReplicas: 10`,
    },
  ],
});
