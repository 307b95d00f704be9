import { Evidence } from '@posture-dev/backstage-plugin-posture-common';
import { defineCheck, fail, notApplicable, pass } from '../../engine/check';
import { K8sObject, arr, nameOf, num, obj, refOf, str } from './_k8s';
import { cores, effective, longRunningContainers, sourceLabel, usageFor } from './_usage';

/** The HPA's CPU utilisation target in percent, and where it is written (v2 default: 80 %). */
function cpuTarget(hpa: K8sObject): { percent: number; path: string } | undefined {
  const spec = obj(hpa.spec) ?? {};
  if (str(hpa.apiVersion) === 'autoscaling/v1')
    return { percent: num(spec.targetCPUUtilizationPercentage) ?? 80, path: 'spec.targetCPUUtilizationPercentage' };
  const metrics = arr(spec.metrics);
  if (metrics.length === 0) return { percent: 80, path: 'spec.metrics' };
  for (let i = 0; i < metrics.length; i++) {
    const m = obj(metrics[i]);
    const r = obj(m?.resource);
    if (m?.type !== 'Resource' || r?.name !== 'cpu') continue;
    const t = obj(r.target);
    const p = t?.type === 'Utilization' ? num(t.averageUtilization) : num(r.targetAverageUtilization);
    if (p !== undefined && p > 0) return { percent: p, path: `spec.metrics[${i}].resource.target.averageUtilization` };
  }
  return undefined;
}

const DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - {name: app, image: shop/web:1.0, resources: {requests: {cpu: "1"}, limits: {cpu: "2"}}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 10
  metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}}]
`;
const usage = (max: number) => `---
apiVersion: posture.backstage.io/v1alpha1
kind: WorkloadUsage
metadata: {name: deployment.web, namespace: shop}
spec:
  workload: {kind: Deployment, name: web}
  source: prometheus
  window: 7d
  containers: [{name: app, cpu: {p95: ${max / 2}, max: ${max}}}]
`;

export default defineCheck({
  meta: {
    id: 'hpa-target-reachable',
    title: "The HPA's CPU target is reachable",
    pillar: 'scalability',
    category: 'Right-sizing',
    severity: 'medium',
    rationale:
      'An HPA scales on CPU use as a percentage of the request. If the limits cap use below the target, or requests are so high that even the peak of the window stays below it, the HPA never adds a replica: the autoscaling is configuration only.',
    remediation: {
      text: 'Lower the CPU requests towards real use, lower the utilisation target, or raise the CPU limits above target × request.',
      patch:
        'spec:\n  metrics:\n    - type: Resource\n      resource:\n        name: cpu\n        target:\n          type: Utilization\n          averageUtilization: 60\n',
    },
    references: {},
    defaults:
      'Judges HorizontalPodAutoscalers with a CPU Utilization target (autoscaling/v1, or v2 without metrics: 80 %) whose target has CPU requests on every long-running container. Fails when the CPU limits cap utilisation below the target, or, with a usage source (Prometheus or a VPA), when the peak use of the window (the sum of each container’s busiest-pod peak, an upper bound) stays below target × requests. Not applicable without a usage source when the limits allow the target.',
  },
  target: 'workload',
  evaluate: (w, ctx) => {
    const hpas = ctx.index.scalersFor(w).filter(s => s.kind === 'HorizontalPodAutoscaler');
    if (hpas.length === 0) return notApplicable('No HorizontalPodAutoscaler targets this workload');
    const containers = longRunningContainers(w);
    const requests = containers.map(c => effective(w, c, ctx, 'requests', 'cpu'));
    if (containers.length === 0 || requests.some(r => r === undefined))
      return notApplicable('Not every container has a CPU request (autoscaler-metrics-have-requests judges that)');
    const requested = requests.reduce<number>((a, b) => a + (b ?? 0), 0);
    const limits = containers.map(c => effective(w, c, ctx, 'limits', 'cpu'));
    const capped = limits.every(l => l !== undefined) ? limits.reduce<number>((a, b) => a + (b ?? 0), 0) : undefined;
    const u = usageFor(w, ctx);
    const peaks = containers.map(c => u?.containers.get(c.name)?.cpu.max);
    const peak = u && peaks.every(p => p !== undefined) ? peaks.reduce<number>((a, b) => a + (b ?? 0), 0) : undefined;
    const failing: Evidence[] = [];
    const notes: string[] = [];
    for (const hpa of hpas) {
      const t = cpuTarget(hpa);
      if (!t) continue;
      const needed = (t.percent / 100) * requested;
      const ev = (detail: string): Evidence => ({ path: t.path, value: `${t.percent}`, object: refOf(hpa), detail });
      if (capped !== undefined && capped < needed) {
        failing.push(ev(`HPA ${nameOf(hpa)}: the CPU limits (${cores(capped)}) cap utilisation at ${Math.round((capped / requested) * 100)} % of the requests (${cores(requested)}), below the ${t.percent} % target`));
      } else if (peak !== undefined && u) {
        const line = `HPA ${nameOf(hpa)}: peak use ${cores(peak)} is ${Math.round((peak / requested) * 100)} % of the requests (${cores(requested)}); target ${t.percent} % (${sourceLabel(u)})`;
        if (peak < needed) failing.push(ev(`${line}: never reached, so the HPA stays at its minimum`));
        else notes.push(line);
      }
    }
    if (failing.length) return fail(failing.map(e => e.detail).join('; '), failing);
    if (notes.length) return pass(notes.join('; '));
    return notApplicable('No CPU utilisation target, or no usage source to judge it against');
  },
  fixtures: [
    { name: 'peak use above the target passes', expect: 'pass', yaml: DEPLOY + usage(0.9) },
    { name: 'peak use far below the target fails', expect: 'fail', yaml: DEPLOY + usage(0.2) },
    {
      name: 'limits that cap use below the target fail without a usage source',
      expect: 'fail',
      yaml: DEPLOY.replace('averageUtilization: 70', 'averageUtilization: 250'),
    },
    { name: 'no usage source is not applicable', expect: 'not-applicable', yaml: DEPLOY },
    {
      name: 'no HPA is not applicable',
      expect: 'not-applicable',
      yaml: DEPLOY.split('---')[0] + usage(0.2),
    },
  ],
});
