import { TestDatabases } from '@backstage/backend-test-utils';
import { EntityScorecard, WorkloadResources } from '@posture-dev/backstage-plugin-posture-common';
import { PostureStore } from './PostureStore';
import { resourceColumns } from './rightSizing';
import { entity, result, status } from './testFixtures';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'], disableDocker: true });

const AT = '2026-12-01T10:00:00.000Z';
const GI = 2 ** 30;

/** One workload, `replicas` pods, one container requesting `cpu` cores and `memGi` GiB, using `usedCpu` and `usedMemGi` at peak. */
function resources(name: string, replicas: number, cpu: number, usedCpu: number, memGi: number, usedMemGi: number): WorkloadResources {
  return {
    workload: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name },
    replicas,
    replicasFrom: 'spec.replicas',
    source: 'prometheus',
    window: '7d',
    containers: [
      {
        name: 'app',
        requests: { cpu, memory: memGi * GI },
        limits: {},
        used: { cpuP95: usedCpu, cpuMax: usedCpu * 2, memoryP95: usedMemGi * GI * 0.8, memoryMax: usedMemGi * GI },
      },
    ],
  };
}

function withResources(e: EntityScorecard, perCluster: Record<string, WorkloadResources[]>): EntityScorecard {
  return { ...e, clusters: e.clusters.map(c => (perCluster[c.cluster] ? { ...c, resources: perCluster[c.cluster] } : c)) };
}

const ok = [result('run-as-non-root', 'pass'), result('replicas', 'pass', { pillar: 'scalability' })];

describe('right-sizing', () => {
  it('sums nothing without a usage source', () => {
    expect(resourceColumns(undefined)).toMatchObject({ resources: null, over_cpu_cores: null });
    expect(resourceColumns([resources('a', 2, 1, 0.25, 1, 0.5)])).toMatchObject({
      over_cpu_cores: 1.5,
      over_memory_bytes: GI,
      requested_cpu_cores: 2,
      requested_memory_bytes: 2 * GI,
    });
  });

  it.each(databases.eachSupportedId())('keeps the table per entity and sums it per team, %p', async id => {
    const store = await PostureStore.fromKnex(await databases.init(id));
    const checkout = withResources(
      entity({ name: 'checkout', owner: 'group:default/team-payments', clusters: { east: ok, west: ok } }),
      { east: [resources('checkout', 3, 2, 0.5, 1, 0.25)], west: [resources('checkout', 1, 1, 0.5, 1, 1.5)] },
    );
    const ledger = withResources(
      entity({ name: 'ledger', owner: 'group:default/team-payments', clusters: { east: ok } }),
      { east: [resources('ledger', 2, 0.5, 0.5, 2, 1)] },
    );
    const search = withResources(entity({ name: 'search', owner: 'group:default/team-growth', clusters: { east: ok } }), {
      east: [resources('search', 1, 4, 1, 1, 1)],
    });
    // scored, but no usage source: not part of the estimate
    const blog = entity({ name: 'blog', owner: 'group:default/team-growth', clusters: { east: ok } });
    await store.saveRun({
      startedAt: AT,
      finishedAt: AT,
      clusterStatuses: [status('east', AT), status('west', AT)],
      entities: [checkout, ledger, search, blog],
    });

    const card = await store.getEntity('component:default/checkout');
    expect(card?.clusters.find(c => c.cluster === 'east')?.resources).toEqual(checkout.clusters[0].resources);
    expect(card?.clusters.find(c => c.cluster === 'west')?.resources).toEqual(checkout.clusters[1].resources);
    expect((await store.getEntity('component:default/blog'))?.clusters[0].resources).toBeUndefined();

    const all = await store.getRightSizing({});
    expect(all.teams.map(t => [t.owner, t.services])).toEqual([
      // growth saves 3 cores, payments 4.5 + 0.5 = 5: payments first
      ['group:default/team-payments', 2],
      ['group:default/team-growth', 1],
    ]);
    const payments = all.teams[0];
    // checkout east (2 - 0.5) x 3 + west (1 - 0.5) x 1; ledger uses what it asks for
    expect(payments.overRequested.cpuCores).toBeCloseTo(5);
    // checkout east (1 - 0.25) GiB x 3; west uses above its request (adds 0); ledger (2 - 1) x 2
    expect(payments.overRequested.memoryBytes).toBeCloseTo(4.25 * GI);
    expect(payments.requested.cpuCores).toBeCloseTo(6 + 1 + 1);
    expect(all.total).toMatchObject({ services: 3 });
    expect(all.total.overRequested.cpuCores).toBeCloseTo(8);

    // the caller's permissions and the overview's filters narrow it
    const readable = await store.getRightSizing({ allowedRefs: new Set(['component:default/search']) });
    expect(readable.teams.map(t => t.owner)).toEqual(['group:default/team-growth']);
    const west = await store.getRightSizing({ cluster: ['west'] });
    expect(west.total.overRequested.cpuCores).toBeCloseTo(0.5);
    // the quadrant filter reads the scores: every entity here scores 100 on both pillars
    expect((await store.getRightSizing({ quadrant: ['balanced'] })).total).toMatchObject({ services: 3 });
    expect((await store.getRightSizing({ quadrant: ['at-risk'] })).total).toMatchObject({ services: 0 });
    const owner = await store.getRightSizing({ owner: ['group:default/team-growth'] });
    expect(owner.total).toMatchObject({ services: 1 });
    expect(await store.getRightSizing({ allowedRefs: new Set() })).toEqual({
      teams: [],
      total: { services: 0, requested: { cpuCores: 0, memoryBytes: 0 }, overRequested: { cpuCores: 0, memoryBytes: 0 } },
    });
  });
});
