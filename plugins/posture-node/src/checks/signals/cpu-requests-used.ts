import { Evidence } from '@posture-dev/backstage-plugin-posture-common';
import { defineCheck, fail, notApplicable, pass } from '../../engine/check';
import { cores, effective, longRunningContainers, percent, sourceLabel, usageFor } from './_usage';

const DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - {name: app, image: shop/web:1.0, resources: {requests: {cpu: "2", memory: 512Mi}, limits: {memory: 1Gi}}}
`;
const usage = (p95: number) => `---
apiVersion: posture.backstage.io/v1alpha1
kind: WorkloadUsage
metadata: {name: deployment.web, namespace: shop}
spec:
  workload: {kind: Deployment, name: web}
  source: prometheus
  window: 7d
  containers: [{name: app, cpu: {p95: ${p95}, max: 1.2}}]
`;

export default defineCheck({
  meta: {
    id: 'cpu-requests-used',
    title: 'CPU requests are used',
    pillar: 'scalability',
    category: 'Right-sizing',
    severity: 'medium',
    rationale:
      'A CPU request reserves node capacity whether or not the container uses it. Requests far above real use are paid-for scaling that never happens: the cluster fills up with idle reservations, and an HPA that scales on utilisation sees a load that looks far lower than it is.',
    remediation: {
      text: 'Lower resources.requests.cpu towards the p95 use in the evidence (leave some headroom), or let a VerticalPodAutoscaler recommend it.',
      patch:
        'spec:\n  template:\n    spec:\n      containers:\n        - name: <container>\n          resources:\n            requests:\n              cpu: 250m\n',
    },
    references: {},
    defaults:
      'Needs a usage source: a WorkloadUsage object in the snapshot (posture.metrics.prometheus, or a usage file in a manifests source), or else a VerticalPodAutoscaler that targets the workload, whose recommended target stands for the p95 use. Not applicable without one, or for containers without a CPU request. Fails when p95 use over the window is below thresholds.cpuRequestUsedRatio (default 0.25) of the request; the request counts API-server defaults (limit, LimitRange).',
  },
  target: 'workload',
  evaluate: (w, ctx) => {
    const u = usageFor(w, ctx);
    if (!u) return notApplicable('No usage source (Prometheus or a VerticalPodAutoscaler) for this workload');
    const ratio = ctx.config.thresholds.cpuRequestUsedRatio;
    const failing: Evidence[] = [];
    const notes: string[] = [];
    for (const c of longRunningContainers(w)) {
      const request = effective(w, c, ctx, 'requests', 'cpu');
      const used = u.containers.get(c.name)?.cpu.p95;
      if (request === undefined || used === undefined) continue;
      const line = `${c.name}: requests ${cores(request)}, p95 use ${cores(used)} (${percent(used, request)} of the request; ${sourceLabel(u)})`;
      if (used < ratio * request)
        failing.push({ path: `${c.path}.resources.requests.cpu`, container: c.name, value: cores(request), detail: line });
      else notes.push(line);
    }
    if (failing.length === 0 && notes.length === 0)
      return notApplicable('No container has both a CPU request and measured use');
    if (failing.length)
      return fail(
        `CPU requested far above use (below ${Math.round(ratio * 100)} %): ${failing.map(e => e.detail).join('; ')}`,
        failing,
      );
    return pass(notes.join('; '));
  },
  fixtures: [
    { name: 'p95 use at half the request passes', expect: 'pass', yaml: DEPLOY + usage(1) },
    { name: 'p95 use at 2 % of the request fails', expect: 'fail', yaml: DEPLOY + usage(0.04) },
    {
      name: 'the threshold is configurable',
      expect: 'pass',
      yaml: DEPLOY + usage(0.2),
      config: { thresholds: { cpuRequestUsedRatio: 0.05 } },
    },
    { name: 'no usage source is not applicable', expect: 'not-applicable', yaml: DEPLOY },
    {
      name: 'a usage object for another workload is ignored',
      expect: 'not-applicable',
      yaml: `${DEPLOY}---
apiVersion: posture.backstage.io/v1alpha1
kind: WorkloadUsage
metadata: {name: deployment.web, namespace: shop}
spec:
  workload: {kind: Deployment, name: other}
  containers: [{name: app, cpu: {p95: 0.01}}]
`,
    },
    {
      name: 'hostile numbers are ignored',
      expect: 'not-applicable',
      yaml: `${DEPLOY}---
apiVersion: posture.backstage.io/v1alpha1
kind: WorkloadUsage
metadata: {name: deployment.web, namespace: shop}
spec:
  workload: {kind: Deployment, name: web}
  containers: [{name: app, cpu: {p95: "0.01"}}, {name: {x: 1}}, 7]
`,
    },
    {
      name: "a VPA's recommendation stands in when there is no measured use",
      expect: 'fail',
      yaml: `${DEPLOY}---
apiVersion: autoscaling.k8s.io/v1
kind: VerticalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  updatePolicy: {updateMode: "Off"}
status:
  recommendation:
    containerRecommendations:
      - {containerName: app, target: {cpu: 100m, memory: 300Mi}, upperBound: {cpu: "3", memory: 2Gi}}
`,
    },
    {
      name: 'a VPA recommending close to the request passes',
      expect: 'pass',
      yaml: `${DEPLOY}---
apiVersion: autoscaling.k8s.io/v1
kind: VerticalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
status:
  recommendation:
    containerRecommendations:
      - {containerName: app, target: {cpu: 1500m, memory: 300Mi}}
`,
    },
  ],
});
