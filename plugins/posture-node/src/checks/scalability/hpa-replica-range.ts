import { Evidence } from '@posture-dev/backstage-plugin-posture-common';
import { defineCheck, fail, pass } from '../../engine/check';
import { obj } from '../../engine/k8s';

const isCount = (v: unknown): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0;

export default defineCheck({
  meta: {
    id: 'hpa-replica-range',
    title: 'HPA keeps at least two replicas',
    pillar: 'scalability',
    category: 'Autoscaling',
    severity: 'medium',
    rationale:
      'An HorizontalPodAutoscaler that may scale down to one replica removes the redundancy a second replica gives: one node failure or eviction then takes the service down. Whether maxReplicas leaves room to scale is judged by hpa-max-above-min.',
    remediation: {
      text: 'Set minReplicas to at least 2.',
      patch: 'spec:\n  minReplicas: 2\n',
    },
    references: {
      polaris: ['hpaMinAvailability'],
      kubeScore: ['horizontalpodautoscaler-replicas'],
    },
    defaults:
      'A manifest without minReplicas gets 1 from the API server, so it fails (Polaris passes an absent minReplicas; a live object has the 1 filled in, and we judge both the same). The threshold is thresholds.minReplicas (default 2).',
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
    if (problems.length > 0) return fail(problems.join('; '), evidence);
    return pass(`Keeps at least ${min} replicas`, [{ path: 'spec.minReplicas', value: String(min) }]);
  },
  fixtures: [
    {
      name: 'min 2, max 10 passes',
      expect: 'pass',
      upstream: ['kubeScore:horizontalpodautoscaler-replicas', 'polaris:hpaMinAvailability'],
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
