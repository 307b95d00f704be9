import { rightSizingOf } from '@posture-dev/backstage-plugin-posture-common';
import { builtInChecks } from '../checks/catalog';
import { evaluate } from './engine';
import { parseManifests } from './manifests';

const DEPLOY = (extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - {name: app, image: shop/web:1.0, resources: {requests: {cpu: "2", memory: 1Gi}, limits: {memory: 2Gi}}}
        - {name: proxy, image: shop/proxy:1.0, resources: {requests: {cpu: 100m}}}
${extra}`;
const USAGE = `---
apiVersion: posture.backstage.io/v1alpha1
kind: WorkloadUsage
metadata: {name: deployment.web, namespace: shop}
spec:
  workload: {kind: Deployment, name: web}
  source: prometheus
  window: 7d
  containers:
    - {name: app, cpu: {p95: 0.5, max: 1.5}, memory: {p95: 268435456, max: 536870912}}
`;

function run(yaml: string) {
  const parsed = parseManifests(yaml, 'app.yaml');
  return evaluate({ objects: parsed.objects, origins: parsed.origins, mode: 'manifest' }, builtInChecks);
}

describe('workload resources', () => {
  it('reports requests, limits (defaults counted) and measured use per container', () => {
    const [w] = run(DEPLOY() + USAGE).workloads;
    expect(w.resources).toEqual({
      workload: { kind: 'Deployment', namespace: 'shop', name: 'web', apiVersion: 'apps/v1' },
      replicas: 3,
      replicasFrom: 'spec.replicas',
      source: 'prometheus',
      window: '7d',
      containers: [
        {
          name: 'app',
          // both requests are written; no CPU limit, and no LimitRange to default one
          requests: { cpu: 2, memory: 2 ** 30 },
          limits: { cpu: undefined, memory: 2 * 2 ** 30 },
          used: { cpuP95: 0.5, cpuMax: 1.5, memoryP95: 2 ** 28, memoryMax: 2 ** 29 },
        },
        {
          name: 'proxy',
          requests: { cpu: 0.1, memory: undefined },
          limits: { cpu: undefined, memory: undefined },
          used: { cpuP95: undefined, cpuMax: undefined, memoryP95: undefined, memoryMax: undefined },
        },
      ],
    });
    // (2 - 0.5) cores and (1 GiB - 512 MiB) per pod, three pods; the unmeasured proxy adds nothing
    expect(rightSizingOf(w.resources!).overRequested).toEqual({ cpuCores: 4.5, memoryBytes: 3 * 2 ** 29 });
  });

  it('is absent without a usage source: requests alone say nothing about waste', () => {
    expect(run(DEPLOY()).workloads[0].resources).toBeUndefined();
  });

  it("counts an HPA's floor when the manifest leaves replicas to the HPA", () => {
    const yaml = `${DEPLOY().replace('  replicas: 3\n', '')}${USAGE}---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 4
  maxReplicas: 10
`;
    const [w] = run(yaml).workloads;
    expect(w.resources).toMatchObject({ replicas: 4, replicasFrom: 'HorizontalPodAutoscaler minimum' });
  });

  it('takes a VPA recommendation as use when there is no measurement', () => {
    const yaml = DEPLOY(`---
apiVersion: autoscaling.k8s.io/v1
kind: VerticalPodAutoscaler
metadata: {name: web-vpa, namespace: shop}
spec:
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
status:
  recommendation:
    containerRecommendations:
      - {containerName: app, target: {cpu: 250m, memory: 256Mi}}
`);
    const [w] = run(yaml).workloads;
    expect(w.resources?.source).toBe('VerticalPodAutoscaler web-vpa');
    expect(w.resources?.containers[0].used).toEqual({
      cpuP95: 0.25,
      cpuMax: 0.25,
      memoryP95: 2 ** 28,
      memoryMax: 2 ** 28,
    });
  });

  it('ignores hostile replica counts and numbers', () => {
    const yaml = `${DEPLOY().replace('replicas: 3', 'replicas: "999999"')}${USAGE.replace('p95: 0.5', 'p95: -4')}`;
    const [w] = run(yaml).workloads;
    expect(w.resources).toMatchObject({ replicas: 1, replicasFrom: 'default' });
    expect(w.resources?.containers[0].used.cpuP95).toBeUndefined();
  });
});
