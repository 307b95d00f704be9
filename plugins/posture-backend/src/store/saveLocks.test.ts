import { TestDatabases } from '@backstage/backend-test-utils';
import { scoreResults } from '@posture-dev/backstage-plugin-posture-common';
import { PostureStore } from './PostureStore';
import { ENTITY_LOCK_SPACE, entityLockKey, inLockOrder, lockEntities, lockRun } from './saveLocks';
import { entity, pssLevelOf, result, status } from './testFixtures';

jest.setTimeout(60_000);

// the locks exist on PostgreSQL only (SQLite serialises writers); never start a container
const databases = TestDatabases.create({ ids: ['POSTGRES_15'], disableDocker: true });
const pgIt = databases.supports('POSTGRES_15') ? it : it.skip;
if (!databases.supports('POSTGRES_15')) {
  // eslint-disable-next-line no-console
  console.info('saveLocks tests: skipped (set BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING to run them)');
}

const AT = '2025-03-01T10:00:00.000Z';
const scoring = { pssLevelOf };
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** Resolves to whether `p` settled within `ms`. */
async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let settled = false;
  p.then(
    () => (settled = true),
    () => (settled = true),
  );
  await sleep(ms);
  return settled;
}

describe('entity lock keys', () => {
  it('are stable 32-bit integers, and order batches so that keys only rise', () => {
    expect(entityLockKey('component:default/a')).toBe(entityLockKey('component:default/a'));
    expect(entityLockKey('component:default/a')).not.toBe(entityLockKey('component:default/b'));
    const refs = Array.from({ length: 500 }, (_, i) => `component:default/svc-${i}`);
    for (const ref of refs) {
      const k = entityLockKey(ref);
      expect(Number.isInteger(k) && k >= -(2 ** 31) && k < 2 ** 31).toBe(true);
    }
    const keys = inLockOrder(refs, r => r).map(entityLockKey);
    expect(keys).toEqual([...keys].sort((a, b) => a - b));
  });
});

describe('saves on PostgreSQL', () => {
  pgIt("run side by side for different entities, and queue on a shared entity only", async () => {
    const knex = await databases.init('POSTGRES_15');
    const store = await PostureStore.fromKnex(knex);
    const save = (name: string, cluster: string, extra = {}) =>
      store.saveRun({
        startedAt: AT,
        finishedAt: AT,
        clusterStatuses: [status(cluster, AT)],
        entities: [entity({ name, clusters: { [cluster]: [result('replicas', 'pass')] }, at: AT })],
        scoring,
        ...extra,
      });
    await save('a', 'east');

    // another replica's save, part-way through entity a
    const other = await knex.transaction();
    try {
      await lockRun(other, false);
      await lockEntities(other, ['component:default/a']);

      // a save of b does not wait for it
      expect(await settlesWithin(save('b', 'west'), 2_000)).toBe(true);
      // a save of a waits until it commits, then combines with what it wrote
      const saveA = save('a', 'west');
      expect(await settlesWithin(saveA, 500)).toBe(false);
      // a save that removes an entity touches rows it does not name: it waits for every save
      const removing = save('c', 'north', { removedEntityRefs: ['component:default/b'] });
      expect(await settlesWithin(removing, 500)).toBe(false);

      await other.commit();
      await saveA;
      await removing;
    } finally {
      if (!other.isCompleted()) await other.rollback();
    }
    expect((await store.getEntity('component:default/a'))!.clusters.map(c => c.cluster).sort()).toEqual(['east', 'west']);
    expect(await store.getEntity('component:default/b')).toBeUndefined();
  });

  pgIt('leave an entity they would not change without waiting for its lock', async () => {
    const knex = await databases.init('POSTGRES_15');
    const store = await PostureStore.fromKnex(knex);
    const later = '2025-03-01T11:00:00.000Z';
    const save = (at: string, outcome: 'pass' | 'fail') =>
      store.saveRun({
        startedAt: at,
        finishedAt: at,
        clusterStatuses: [status('east', at)],
        entities: [entity({ name: 'a', clusters: { east: [result('replicas', outcome)] }, at })],
        scoring,
      });
    await save(AT, 'pass');

    // another replica's save holds entity a, as if combining it
    const other = await knex.transaction();
    try {
      await lockRun(other, false);
      await lockEntities(other, ['component:default/a']);
      // the same results again: nothing of a to combine, so no wait
      expect(await settlesWithin(save(later, 'pass'), 2_000)).toBe(true);
      // changed results: a is combined, under its lock
      const changing = save(later, 'fail');
      expect(await settlesWithin(changing, 500)).toBe(false);
      await other.commit();
      await changing;
    } finally {
      if (!other.isCompleted()) await other.rollback();
    }
    const a = (await store.getEntity('component:default/a'))!;
    expect(a.updatedAt).toBe(later);
    expect(a.combined).toEqual(scoreResults([result('replicas', 'fail', { cluster: 'east' })], scoring));
  });

  pgIt('write their own cluster rows before they wait for an entity lock', async () => {
    const knex = await databases.init('POSTGRES_15');
    const store = await PostureStore.fromKnex(knex);
    const save = (cluster: string, outcome: 'pass' | 'fail') =>
      store.saveRun({
        startedAt: AT,
        finishedAt: AT,
        clusterStatuses: [status(cluster, AT)],
        entities: [entity({ name: 'a', clusters: { [cluster]: [result('replicas', outcome)] }, at: AT })],
        scoring,
      });
    await save('east', 'pass');
    await save('west', 'pass');

    // another replica's save holds entity a, as if combining it
    const other = await knex.transaction();
    const probe = await knex.transaction();
    try {
      await lockRun(other, false);
      await lockEntities(other, ['component:default/a']);
      const saving = save('west', 'fail');
      expect(await settlesWithin(saving, 1_000)).toBe(false);
      const rowOf = (cluster: string) =>
        probe('posture_entity_clusters')
          .where({ entity_ref: 'component:default/a', cluster })
          .forUpdate()
          .noWait();
      // it holds no other cluster's row
      await expect(rowOf('east')).resolves.toHaveLength(1);
      // but it already holds its row of a in west: it wrote it before asking for the lock
      await expect(rowOf('west')).rejects.toThrow(/could not obtain lock/);
      await probe.rollback();
      await other.commit();
      await saving;
    } finally {
      if (!probe.isCompleted()) await probe.rollback();
      if (!other.isCompleted()) await other.rollback();
    }
    const card = (await store.getEntity('component:default/a'))!;
    expect(card.clusters.map(c => c.cluster).sort()).toEqual(['east', 'west']);
    expect(card.combined!.counts).toMatchObject({ pass: 1, fail: 1 });
  });

  pgIt("skip a row another save is writing when an entity loses its annotations, and never wait for it", async () => {
    const knex = await databases.init('POSTGRES_15');
    const store = await PostureStore.fromKnex(knex);
    for (const cluster of ['east', 'west']) {
      await store.saveRun({
        startedAt: AT,
        finishedAt: AT,
        clusterStatuses: [status(cluster, AT)],
        entities: [entity({ name: 'a', clusters: { [cluster]: [result('replicas', 'pass')] }, at: AT })],
        scoring,
      });
    }
    // a save of west that read the catalog before the annotations went is writing a's row there
    const other = await knex.transaction();
    try {
      await other('posture_entity_clusters').where({ entity_ref: 'component:default/a', cluster: 'west' }).forUpdate();
      const unmapping = store.saveRun({
        startedAt: AT,
        finishedAt: AT,
        clusterStatuses: [status('east', AT)],
        entities: [entity({ name: 'a', state: 'no-annotations', at: AT })],
        scoring,
      });
      expect(await settlesWithin(unmapping, 2_000)).toBe(true);
      await unmapping;
    } finally {
      await other.rollback();
    }
    const card = (await store.getEntity('component:default/a'))!;
    expect(card.state).toBe('no-annotations');
    expect(card.combined).toBeNull();
    // the row it skipped is left for the next run; the one it could take is gone
    const rows = await knex('posture_entity_clusters').where({ entity_ref: 'component:default/a' }).select('cluster');
    expect(rows.map(r => r.cluster)).toEqual(['west']);
  });

  pgIt('commit each entity batch and release its locks before the next batch waits', async () => {
    const knex = await databases.init('POSTGRES_15');
    const store = await PostureStore.fromKnex(knex);
    // two batches (500 entities per batch), in the lock order the save takes them in
    const refs = inLockOrder(
      Array.from({ length: 501 }, (_, i) => `component:default/svc-${i}`),
      r => r,
    );
    const firstRef = refs[0];
    const lastRef = refs[500];
    const save = (cluster: string) =>
      store.saveRun({
        startedAt: AT,
        finishedAt: AT,
        clusterStatuses: [status(cluster, AT)],
        entities: refs.map(ref =>
          entity({ name: ref.split('/')[1], clusters: { [cluster]: [result('replicas', 'pass')] }, at: AT }),
        ),
        scoring,
      });
    await save('east');

    // another replica's save holds the second batch's entity
    const other = await knex.transaction();
    const probe = await knex.transaction();
    try {
      await lockRun(other, false);
      await lockEntities(other, [lastRef]);
      const saving = save('west');
      expect(await settlesWithin(saving, 2_000)).toBe(false);
      // the first batch is committed, combined with west, and its locks are free for other saves
      expect((await store.getEntity(firstRef))!.clusters.map(c => c.cluster)).toEqual(['east', 'west']);
      const free = await probe.raw('select pg_try_advisory_xact_lock(?::int4, ?::int4) as locked', [
        ENTITY_LOCK_SPACE,
        entityLockKey(firstRef),
      ]);
      expect(free.rows[0].locked).toBe(true);
      // the run is not recorded until its last batch commits
      expect(await knex('posture_runs').count({ n: '*' }).first()).toEqual({ n: '1' });
      await probe.rollback();
      await other.commit();
      await saving;
    } finally {
      if (!probe.isCompleted()) await probe.rollback();
      if (!other.isCompleted()) await other.rollback();
    }
    expect((await store.getEntity(lastRef))!.clusters.map(c => c.cluster)).toEqual(['east', 'west']);
    expect(await knex('posture_runs').count({ n: '*' }).first()).toEqual({ n: '2' });
  });

  pgIt('hold no row of a settled entity while waiting for the lock of an entity they combine', async () => {
    const knex = await databases.init('POSTGRES_15');
    const store = await PostureStore.fromKnex(knex);
    const save = (replicas: 'pass' | 'fail') =>
      store.saveRun({
        startedAt: AT,
        finishedAt: AT,
        clusterStatuses: [status('east', AT)],
        entities: [
          entity({ name: 'a', clusters: { east: [result('replicas', 'pass')] }, at: AT }),
          entity({ name: 'z', clusters: { east: [result('replicas', replicas)] }, at: AT }),
        ],
        scoring,
      });
    await save('pass');

    // another replica's save, part-way through entity z, that goes on to write entity a
    const other = await knex.transaction();
    try {
      await lockRun(other, false);
      await lockEntities(other, ['component:default/z']);
      // a is unchanged (settled), z changed: this save waits for z's lock
      const saving = save('fail');
      expect(await settlesWithin(saving, 500)).toBe(false);
      // the other save's write of a neither waits for this save nor ends either save as a deadlock
      const writeA = other('posture_entities')
        .where({ entity_ref: 'component:default/a' })
        .update({ updated_at: '2025-03-01T11:00:00.000Z' });
      expect(await settlesWithin(writeA, 2_000)).toBe(true);
      await writeA;
      await other.commit();
      await saving;
    } finally {
      if (!other.isCompleted()) await other.rollback();
    }
    expect((await store.getEntity('component:default/z'))!.combined).toEqual(
      scoreResults([{ ...result('replicas', 'fail'), cluster: 'east' }], scoring),
    );
    // the other save had committed when this one moved a's updated_at: nothing was left locked to skip
    expect((await store.getEntity('component:default/a'))!.updatedAt).toBe(AT);
  });

  pgIt('skip, not wait for, the row of a settled entity that another save is writing', async () => {
    const knex = await databases.init('POSTGRES_15');
    const store = await PostureStore.fromKnex(knex);
    const save = (at: string) =>
      store.saveRun({
        startedAt: at,
        finishedAt: at,
        clusterStatuses: [status('east', at)],
        entities: [entity({ name: 'a', clusters: { east: [result('replicas', 'pass')] }, at })],
        scoring,
      });
    await save(AT);
    const other = await knex.transaction();
    try {
      await other('posture_entities')
        .where({ entity_ref: 'component:default/a' })
        .update({ updated_at: '2025-03-01T11:00:00.000Z' });
      expect(await settlesWithin(save('2025-03-01T12:00:00.000Z'), 2_000)).toBe(true);
      await other.commit();
    } finally {
      if (!other.isCompleted()) await other.rollback();
    }
    expect((await store.getEntity('component:default/a'))!.updatedAt).toBe('2025-03-01T11:00:00.000Z');
  });

  pgIt('of several clusters at once, some unchanged and some not, with entities in some clusters only, end without deadlock', async () => {
    const knex = await databases.init('POSTGRES_15');
    const store = await PostureStore.fromKnex(knex);
    // two entity batches per save; each entity runs in every other cluster, and every run names every entity
    const names = Array.from({ length: 700 }, (_, i) => `svc-${i}`);
    const clusters = ['c0', 'c1', 'c2', 'c3'];
    const here = (cluster: string, name: string) => (Number(name.slice(4)) + clusters.indexOf(cluster)) % 2 === 0;
    const resultsOf = (cluster: string, name: string, round: number) => [
      result('replicas', (Number(name.slice(4)) + round) % 3 === 0 ? 'fail' : 'pass'),
      result('privileged-container', cluster === 'c2' && round > 0 ? 'fail' : 'pass', { severity: 'critical' }),
    ];
    const save = (cluster: string, round: number, reversed: boolean) => {
      const entities = names.map(name => {
        const e = entity({ name, clusters: here(cluster, name) ? { [cluster]: resultsOf(cluster, name, round) } : {}, at: AT });
        return { ...e, match: { ...e.match, clusters } };
      });
      return store.saveRun({
        startedAt: AT,
        finishedAt: AT,
        clusterStatuses: [status(cluster, AT)],
        entities: reversed ? entities.reverse() : entities,
        scoring,
      });
    };
    for (const cluster of clusters) await save(cluster, 0, false);
    // c0 and c1 unchanged (their entities settle), c2 and c3 changed (combined), all at once
    const rounds = [0, 0, 1, 1];
    await Promise.all(clusters.map((cluster, i) => save(cluster, rounds[i], i % 2 === 1)));
    for (const name of names) {
      const mine = clusters.filter(c => here(c, name));
      const card = (await store.getEntity(`component:default/${name}`))!;
      expect(card.clusters.map(c => c.cluster).sort()).toEqual(mine);
      const all = mine.flatMap(cluster => resultsOf(cluster, name, rounds[clusters.indexOf(cluster)]).map(r => ({ ...r, cluster })));
      expect(card.combined).toEqual(scoreResults(all, scoring));
    }
  });

  pgIt("of several clusters at once combine every entity's clusters, with no deadlock", async () => {
    const knex = await databases.init('POSTGRES_15');
    const store = await PostureStore.fromKnex(knex);
    // several batches per save, each save's entities in its own order and overlapping the others'
    const names = Array.from({ length: 260 }, (_, i) => `svc-${i}`);
    const clusters = ['c0', 'c1', 'c2', 'c3'];
    const resultsOf = (cluster: string, name: string) => [
      result('replicas', Number(name.slice(4)) % clusters.length === clusters.indexOf(cluster) ? 'fail' : 'pass'),
      result('privileged-container', cluster === 'c2' ? 'fail' : 'pass', { severity: 'critical' }),
    ];
    const namesOf = (i: number) => {
      const own = names.filter((_, j) => j % 5 !== i); // each save leaves a different fifth out
      return i % 2 ? own.reverse() : own;
    };
    await Promise.all(
      clusters.map((cluster, i) =>
        store.saveRun({
          startedAt: AT,
          finishedAt: AT,
          clusterStatuses: [status(cluster, AT)],
          entities: namesOf(i).map(name => entity({ name, clusters: { [cluster]: resultsOf(cluster, name) }, at: AT })),
          scoring,
        }),
      ),
    );
    for (const name of names) {
      const present = clusters.filter((_, i) => namesOf(i).includes(name));
      const card = (await store.getEntity(`component:default/${name}`))!;
      expect(card.clusters.map(c => c.cluster).sort()).toEqual(present);
      const all = present.flatMap(cluster => resultsOf(cluster, name).map(r => ({ ...r, cluster })));
      expect(card.combined).toEqual(scoreResults(all, scoring));
    }
  });
});
