import { Evidence } from '@posture-dev/backstage-plugin-posture-common';
import { defineCheck, fail, notApplicable, pass } from '../../engine/check';
import { bytes, effective, longRunningContainers, percent, sourceLabel, usageFor } from './_usage';

const DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - {name: app, image: shop/web:1.0, resources: {requests: {cpu: 500m, memory: 512Mi}, limits: {memory: 1Gi}}}
`;
const usage = (max: number) => `---
apiVersion: posture.backstage.io/v1alpha1
kind: WorkloadUsage
metadata: {name: deployment.web, namespace: shop}
spec:
  workload: {kind: Deployment, name: web}
  source: prometheus
  window: 7d
  containers: [{name: app, memory: {p95: ${Math.round(max * 0.8)}, max: ${max}}}]
`;

export default defineCheck({
  meta: {
    id: 'memory-limit-headroom',
    title: 'Memory use stays below the limit',
    pillar: 'scalability',
    category: 'Right-sizing',
    severity: 'high',
    rationale:
      'A container that goes over its memory limit is OOM-killed. When peak use already comes close to the limit, the next spike, a larger payload or a slow leak restarts the pod under load, which is when the capacity is needed most.',
    remediation: {
      text: 'Raise resources.limits.memory (and the request) above the peak use in the evidence with real headroom, or find why use grows.',
      patch:
        'spec:\n  template:\n    spec:\n      containers:\n        - name: <container>\n          resources:\n            limits:\n              memory: 1Gi\n',
    },
    references: {},
    defaults:
      'Needs a usage source: a WorkloadUsage object (Prometheus: the maximum working set over the window), or else a VerticalPodAutoscaler that targets the workload (its target). Not applicable without one or for containers without a memory limit (memory-limits judges that). Fails when peak use is above thresholds.memoryLimitHeadroomRatio (default 0.9) of the limit.',
  },
  target: 'workload',
  evaluate: (w, ctx) => {
    const u = usageFor(w, ctx);
    if (!u) return notApplicable('No usage source (Prometheus or a VerticalPodAutoscaler) for this workload');
    const ratio = ctx.config.thresholds.memoryLimitHeadroomRatio;
    const failing: Evidence[] = [];
    const notes: string[] = [];
    for (const c of longRunningContainers(w)) {
      const limit = effective(w, c, ctx, 'limits', 'memory');
      const peak = u.containers.get(c.name)?.memory.max;
      if (limit === undefined || peak === undefined) continue;
      const line = `${c.name}: limit ${bytes(limit)}, peak use ${bytes(peak)} (${percent(peak, limit)} of the limit; ${sourceLabel(u)})`;
      if (peak > ratio * limit)
        failing.push({ path: `${c.path}.resources.limits.memory`, container: c.name, value: bytes(limit), detail: line });
      else notes.push(line);
    }
    if (failing.length === 0 && notes.length === 0)
      return notApplicable('No container has both a memory limit and measured use');
    if (failing.length)
      return fail(
        `Memory use close to the limit (above ${Math.round(ratio * 100)} %, OOM risk): ${failing.map(e => e.detail).join('; ')}`,
        failing,
      );
    return pass(notes.join('; '));
  },
  fixtures: [
    { name: 'peak at half the limit passes', expect: 'pass', yaml: DEPLOY + usage(512 * 2 ** 20) },
    { name: 'peak at 97 % of the limit fails', expect: 'fail', yaml: DEPLOY + usage(Math.round(0.97 * 2 ** 30)) },
    { name: 'no usage source is not applicable', expect: 'not-applicable', yaml: DEPLOY },
    {
      name: 'no memory limit is not applicable',
      expect: 'not-applicable',
      yaml: DEPLOY.replace(', limits: {memory: 1Gi}', '') + usage(2 ** 30),
    },
  ],
});
