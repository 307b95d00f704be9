import fc from 'fast-check';
import { builtInChecks } from '../catalog';
import { evaluate } from '../../engine/engine';
import { resolveEngineConfig } from '../../engine/config';
import { K8sObject } from '../../engine/k8s';

// Input is untrusted: whatever a field holds, these checks must judge it
// (pass, fail or not-applicable), never throw (which the engine reports as
// `error`).
const IDS = new Set([
  ...builtInChecks
    .filter(c => c.meta.pillar === 'scalability')
    .map(c => c.meta.id),
  'image-digest',
  'trusted-registries',
]);
const checks = builtInChecks.filter(c => IDS.has(c.meta.id));

const junk = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.string({ maxLength: 6 }),
  fc.integer({ min: -3, max: 3 }),
  fc.double({ noNaN: false }),
  fc.boolean(),
  fc.constant([]),
  fc.constant({}),
  fc.array(
    fc.oneof(fc.string({ maxLength: 3 }), fc.constant(null), fc.constant({})),
    { maxLength: 2 },
  ),
  fc.dictionary(
    fc.constantFrom('name', 'port', 'cpu', 'memory', 'type', 'app'),
    fc.oneof(fc.string({ maxLength: 3 }), fc.integer()),
    {
      maxKeys: 2,
    },
  ),
);

/** Mostly well-formed, sometimes junk: deep fields are reached often enough. */
const mostly = <T>(a: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: a, weight: 4 }, { arbitrary: junk, weight: 1 });

const container = fc.record(
  {
    name: fc.oneof(fc.constant('c'), junk),
    image: fc.oneof(
      fc.constantFrom('nginx', 'nginx:1', 'localhost:5000/a', 'A:b'),
      junk,
    ),
    resources: mostly(
      fc.record({
        requests: mostly(fc.record({ cpu: junk, memory: junk })),
        limits: mostly(fc.record({ cpu: junk, memory: junk })),
      }),
    ),
    readinessProbe: junk,
    livenessProbe: junk,
    restartPolicy: fc.oneof(fc.constant('Always'), junk),
  },
  { requiredKeys: [] },
);

const podSpec = fc.record(
  {
    containers: mostly(
      fc.array(mostly(container), { minLength: 1, maxLength: 2 }),
    ),
    initContainers: mostly(fc.array(container, { maxLength: 1 })),
    volumes: mostly(
      fc.array(
        fc.record({
          name: junk,
          persistentVolumeClaim: mostly(
            fc.record({
              claimName: fc.oneof(fc.constant('data'), junk),
              readOnly: junk,
            }),
          ),
        }),
        { maxLength: 1 },
      ),
    ),
    topologySpreadConstraints: mostly(
      fc.array(
        mostly(
          fc.record({
            maxSkew: junk,
            topologyKey: fc.oneof(fc.constant('kubernetes.io/hostname'), junk),
            whenUnsatisfiable: junk,
            labelSelector: junk,
            matchLabelKeys: junk,
            minDomains: junk,
          }),
        ),
        { maxLength: 2 },
      ),
    ),
    affinity: mostly(
      fc.record({
        podAntiAffinity: mostly(
          fc.record({
            requiredDuringSchedulingIgnoredDuringExecution: junk,
            preferredDuringSchedulingIgnoredDuringExecution: mostly(
              fc.array(fc.record({ podAffinityTerm: junk }), { maxLength: 1 }),
            ),
          }),
        ),
      }),
    ),
    resources: junk,
  },
  { requiredKeys: [] },
);

const labels = fc.oneof(junk, fc.constant({ app: 'a' }));

const workload = fc.record({
  apiVersion: fc.constant('apps/v1'),
  kind: fc.constantFrom(
    'Deployment',
    'StatefulSet',
    'DaemonSet',
    'ReplicaSet',
    'Pod',
    'CronJob',
  ),
  metadata: fc.record(
    { name: fc.constant('w'), labels, ownerReferences: junk },
    { requiredKeys: ['name'] },
  ),
  spec: mostly(
    fc.record(
      {
        replicas: junk,
        serviceName: fc.oneof(fc.constant('svc'), junk),
        strategy: junk,
        updateStrategy: junk,
        selector: junk,
        template: mostly(
          fc.record({
            metadata: mostly(fc.record({ labels })),
            spec: mostly(podSpec),
          }),
        ),
        containers: mostly(fc.array(container, { minLength: 1, maxLength: 2 })),
      },
      { requiredKeys: [] },
    ),
  ),
});

const related = fc.array(
  fc.record({
    apiVersion: fc.constantFrom(
      'v1',
      'policy/v1',
      'autoscaling/v2',
      'autoscaling/v1',
      'keda.sh/v1alpha1',
      'networking.k8s.io/v1',
    ),
    kind: fc.constantFrom(
      'Service',
      'PodDisruptionBudget',
      'HorizontalPodAutoscaler',
      'ScaledObject',
      'Ingress',
      'PersistentVolumeClaim',
      'LimitRange',
    ),
    metadata: fc.record({ name: fc.constantFrom('w', 'svc', 'data') }),
    spec: mostly(
      fc.record(
        {
          selector: fc.oneof(
            junk,
            fc.constant({ app: 'a' }),
            fc.constant({ matchLabels: { app: 'a' } }),
          ),
          scaleTargetRef: mostly(
            fc.record({
              kind: fc.oneof(fc.constant('Deployment'), junk),
              name: fc.oneof(fc.constant('w'), junk),
            }),
          ),
          minReplicas: junk,
          maxReplicas: junk,
          minReplicaCount: junk,
          metrics: mostly(
            fc.array(
              fc.record({
                type: fc.constantFrom('Resource', 'ContainerResource'),
                resource: junk,
                containerResource: junk,
              }),
              { maxLength: 2 },
            ),
          ),
          triggers: mostly(
            fc.array(
              fc.record({
                type: fc.constantFrom('cpu', 'memory'),
                metricType: junk,
                metadata: junk,
              }),
              { maxLength: 1 },
            ),
          ),
          minAvailable: junk,
          maxUnavailable: junk,
          accessModes: junk,
          clusterIP: junk,
          type: junk,
          limits: junk,
          rules: junk,
          defaultBackend: junk,
        },
        { requiredKeys: [] },
      ),
    ),
  }),
  { maxLength: 4 },
);

describe('scalability and image checks on malformed input', () => {
  it('never produce an error result', () => {
    fc.assert(
      fc.property(
        workload,
        related,
        fc.constantFrom('manifest', 'live') as fc.Arbitrary<
          'manifest' | 'live'
        >,
        (w, others, mode) => {
          const objects = [w, ...others] as K8sObject[];
          const config = resolveEngineConfig({
            thresholds: { trustedRegistries: ['ghcr.io'] },
            enabledChecks: [...IDS],
          });
          const out = evaluate({ objects, mode }, checks, { config, now: 0 });
          const errors = out.results.filter(
            r => r.status === 'error' && r.checkId !== 'valid-object',
          );
          if (errors.length > 0)
            throw new Error(
              `${errors[0].checkId}: ${errors[0].message}\n${JSON.stringify(
                objects,
              )}`,
            );
        },
      ),
      // a fixed seed keeps CI repeatable, as in fuzz/engine.fuzz.test.ts; POSTURE_FUZZ_SEED explores others
      { numRuns: 500, seed: Number(process.env.POSTURE_FUZZ_SEED ?? 298447277) },
    );
  });

  it('covers every scalability check and both image checks', () => {
    expect(checks.map(c => c.meta.id)).toEqual(
      expect.arrayContaining([
        'replicas',
        'pdb-allows-disruption',
        'pod-spread',
        'cpu-requests',
        'image-digest',
        'trusted-registries',
      ]),
    );
  });
});
