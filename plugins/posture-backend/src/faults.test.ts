import { TestDatabases } from '@backstage/backend-test-utils';
import { EntityScorecard, scoreResults } from '@posture-dev/backstage-plugin-posture-common';
import { builtInChecks } from '@posture-dev/backstage-plugin-posture-node';
import {
  ClusterOptions,
  component,
  startCluster,
  startPostureBackend,
  workloadObjects,
} from './__testUtils__/harness';
import { FaultSpec, KubeApiTestServer } from './testUtils';

jest.setTimeout(60_000);

// PostgreSQL runs when BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is set; never start a container
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'], disableDocker: true });

const pssLevels = new Map(builtInChecks.map(c => [c.meta.id, c.meta.pssLevel]));
const pssLevelOf = (id: string) => pssLevels.get(id);

interface Scenario {
  name: string;
  faults: FaultSpec[];
  options?: ClusterOptions;
  /** undefined: the collection succeeds despite the fault */
  error?: RegExp;
  /** what the server log must show, so the fault really happened */
  served?: (server: KubeApiTestServer) => void;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'hangs past its timeout',
    faults: [{ fault: 'hang', resource: 'pods' }],
    options: { timeoutMs: 1_500 },
    error: /timed out/,
  },
  { name: 'answers 401', faults: [{ fault: 'status', code: 401 }], error: /^401 Unauthorized/ },
  { name: 'answers 403', faults: [{ fault: 'status', code: 403 }], error: /^403 Forbidden/ },
  { name: 'answers 500', faults: [{ fault: 'status', code: 500 }], error: /^500 / },
  {
    name: 'sends truncated JSON',
    faults: [{ fault: 'truncate', resource: 'deployments' }],
    error: /not valid JSON/,
  },
  {
    name: 'fails for one kind only',
    faults: [{ fault: 'status', code: 500, resource: 'horizontalpodautoscalers' }],
    error: /^listing HorizontalPodAutoscaler: 500 /,
    served: s => expect(s.stats.count({ resource: 'deployments', status: 200 })).toBeGreaterThan(0),
  },
  {
    name: 'answers 410 to a continue token (the list restarts)',
    faults: [{ fault: 'expired', resource: 'deployments', times: 1 }],
    // one object per page, so the two Deployments take a continue token
    options: { pageSize: 1 },
    served: s => {
      expect(s.stats.count({ resource: 'deployments', status: 410 })).toBe(1);
      const firstPages = s.stats.requests({ resource: 'deployments', verb: 'list' }).filter(r => !r.query.continue);
      // the original request of the second run, then its restart
      expect(firstPages.length).toBe(3);
    },
  },
  {
    name: 'is slow but answers within its timeout',
    faults: [{ fault: 'latency', ms: 300 }],
    options: { timeoutMs: 8_000 },
    served: s => {
      const secondRun = s.stats.log.filter(r => r.faults.includes('latency'));
      expect(secondRun.length).toBeGreaterThan(20);
    },
  },
];

// the fault handling is the same on every database: PostgreSQL runs one failing and one recovering scenario
const ON_EVERY_DATABASE = ['answers 403', 'answers 410 to a continue token (the list restarts)'];
const CASES = databases
  .eachSupportedId()
  .flatMap(([id]) =>
    SCENARIOS.filter(s => id === 'SQLITE_3' || ON_EVERY_DATABASE.includes(s.name)).map(s => [s.name, id, s] as const),
  );

const servers: KubeApiTestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map(s => s.close()));
});

function clusterObjects(name: string, hardened: boolean) {
  return [...workloadObjects({ id: 'shop', hardened }), ...workloadObjects({ id: `app-${name}`, hardened })];
}

function rorfs(card: EntityScorecard, cluster: string) {
  return card.results.find(r => r.cluster === cluster && r.checkId === 'read-only-root-filesystem')?.status;
}

describe('a faulty cluster among three', () => {
  it.each(CASES)('when it %s, %p', async (_name, id, scenario) => {
    const knex = await databases.init(id);
    const names = ['east', 'west', 'faulty'];
    const clusters = [];
    for (const name of names) {
      const server = await startCluster(name, clusterObjects(name, false));
      servers.push(server);
      clusters.push({ name, server, options: name === 'faulty' ? scenario.options : undefined });
    }
    const faulty = clusters[2].server;
    const backend = await startPostureBackend({
      knex,
      clusters,
      entities: [...names.map(n => component(`app-${n}`)), component('shop'), component('docs', { kubernetesId: null })],
    });

    // a good collection first
    const first = await backend.refresh();
    expect(first.every(c => c.error === null)).toBe(true);
    const refs = ['shop', 'app-east', 'app-west', 'app-faulty', 'docs'];
    const before = new Map<string, { card: EntityScorecard; history: any[] }>();
    for (const r of refs) before.set(r, { card: await backend.entity(r), history: await backend.history(r) });
    expect(before.get('shop')!.card.clusters.map(c => c.cluster)).toEqual(['east', 'faulty', 'west']);
    expect(rorfs(before.get('shop')!.card, 'faulty')).toBe('fail');

    // every cluster changes; the faulty one's change must not show unless it is collected
    for (const c of clusters) c.server.addObjects(clusterObjects(c.name, true));
    faulty.setFaults(scenario.faults);
    const second = await backend.refresh();
    scenario.served?.(faulty);

    const firstFaulty = first.find(c => c.name === 'faulty')!;
    const status = second.find(c => c.name === 'faulty')!;
    for (const name of ['east', 'west']) {
      expect(second.find(c => c.name === name)).toMatchObject({ error: null, stale: false });
      const app = await backend.entity(`app-${name}`);
      expect(rorfs(app, name)).toBe('pass');
      expect(app.combined!.overall).toBeGreaterThan(before.get(`app-${name}`)!.card.combined!.overall!);
    }
    const shop = await backend.entity('shop');
    expect(rorfs(shop, 'east')).toBe('pass');
    expect(rorfs(shop, 'west')).toBe('pass');
    // the combined score is always over every cluster's rows, kept or fresh
    expect(shop.combined).toEqual(scoreResults(shop.results, { pssLevelOf }));
    const appFaulty = await backend.entity('app-faulty');

    if (scenario.error) {
      expect(status).toMatchObject({ stale: true, error: expect.stringMatching(scenario.error) });
      // the data served is that of the first run: its age shows
      expect(status.collectedAt).toBe(firstFaulty.collectedAt);
      expect(status.objectCounts).toEqual(firstFaulty.objectCounts);
      expect(Date.parse(status.lastAttemptAt!)).toBeGreaterThan(Date.parse(status.collectedAt!));

      const kept = before.get('app-faulty')!.card;
      expect(appFaulty.state).toBe('scored');
      expect(appFaulty.clusters).toEqual([
        { ...kept.clusters[0], stale: true, error: expect.stringMatching(scenario.error) },
      ]);
      expect(appFaulty.combined).toEqual(kept.combined);
      expect(rorfs(appFaulty, 'faulty')).toBe('fail');
      const shopFaulty = shop.clusters.find(c => c.cluster === 'faulty')!;
      expect(shopFaulty).toMatchObject({ stale: true, collectedAt: firstFaulty.collectedAt });
      expect(shopFaulty.scorecard).toEqual(before.get('shop')!.card.clusters.find(c => c.cluster === 'faulty')!.scorecard);
      expect(rorfs(shop, 'faulty')).toBe('fail');
      expect(shop.clusters.filter(c => c.cluster !== 'faulty').every(c => !c.stale)).toBe(true);
    } else {
      expect(status).toMatchObject({ stale: false, error: null });
      expect(status.collectedAt).toBe(status.lastAttemptAt);
      expect(appFaulty.clusters).toEqual([expect.objectContaining({ cluster: 'faulty', stale: false, error: null })]);
      expect(rorfs(appFaulty, 'faulty')).toBe('pass');
      expect(rorfs(shop, 'faulty')).toBe('pass');
    }

    // history only grows: every earlier point is still there, and an entity whose scores changed has a
    // new one. Each cluster is its own scheduled task and saves on its own, so an entity in several
    // clusters gets a point per cluster whose data changed its combined score (at most one each)
    for (const r of refs) {
      const after = await backend.history(r);
      const prev = before.get(r)!.history;
      expect(after.slice(0, prev.length)).toEqual(prev);
      const card = await backend.entity(r);
      const changed = card.combined?.overall !== before.get(r)!.card.combined?.overall;
      expect(after.length - prev.length).toBeGreaterThanOrEqual(changed ? 1 : 0);
      expect(after.length - prev.length).toBeLessThanOrEqual(changed ? card.clusters.length : 0);
      if (changed) expect(after[after.length - 1].overall).toBe(card.combined!.overall);
    }
    expect((await backend.history('app-faulty')).length).toBe(scenario.error ? 1 : 2);
    expect((await backend.history('shop')).length).toBeGreaterThanOrEqual(2);
    expect((await backend.history('shop')).length).toBeLessThanOrEqual(4);
    expect(await backend.history('docs')).toEqual([]);
  });
});

describe('every cluster failing at once', () => {
  it.each(databases.eachSupportedId())('keeps every scorecard and history point, %p', async id => {
    const knex = await databases.init(id);
    const clusters = [];
    for (const name of ['east', 'west', 'central']) {
      const server = await startCluster(name, clusterObjects(name, false));
      servers.push(server);
      clusters.push({ name, server });
    }
    const refs = ['shop', 'app-east', 'app-west', 'app-central', 'docs'];
    const backend = await startPostureBackend({
      knex,
      clusters,
      entities: [...refs.map(r => component(r, r === 'docs' ? { kubernetesId: null } : {}))],
    });
    const first = await backend.refresh();
    const before = await Promise.all(refs.map(async r => ({ card: await backend.entity(r), history: await backend.history(r) })));

    for (const c of clusters) {
      c.server.addObjects(clusterObjects(c.name, true));
      c.server.setFaults([{ fault: 'status', code: 503 }]);
    }
    const second = await backend.refresh();
    expect(second.map(s => [s.name, s.stale, s.collectedAt])).toEqual(first.map(s => [s.name, true, s.collectedAt]));
    expect(second.every(s => /^503 /.test(s.error!))).toBe(true);
    for (const [i, r] of refs.entries()) {
      const card = await backend.entity(r);
      expect(card.state).toBe(before[i].card.state);
      expect(card.combined).toEqual(before[i].card.combined);
      expect(card.clusters).toEqual(
        before[i].card.clusters.map(c => ({ ...c, stale: true, error: expect.stringMatching(/^503 /) })),
      );
      expect(await backend.history(r)).toEqual(before[i].history);
    }
    expect(before[0].card.clusters).toHaveLength(3);
  });
});
