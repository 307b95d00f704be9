import { TestDatabases } from '@backstage/backend-test-utils';
import { PostureStore } from './PostureStore';
import { entity, failedStatus, result, status } from './testFixtures';
jest.setTimeout(300_000);
const databases = TestDatabases.create({ ids: ['SQLITE_3'], disableDocker: true });
const day = (n: number) => new Date(Date.parse('2025-03-01T10:00:00.000Z') + n * 86400000).toISOString();
it('repro', async () => {
  let resolved = 0;
  for (let i = 0; i < 40; i++) {
    const knex = await databases.init('SQLITE_3');
    const store = await PostureStore.fromKnex(knex);
    await store.saveRun({ startedAt: day(0), finishedAt: day(0), clusterStatuses: [status('prod', day(0))], entities: [
      entity({ name: 'a', clusters: { prod: [result('replicas', 'pass')] } }),
      entity({ name: 'b', clusters: { prod: [result('replicas', 'fail')] } })] });
    const broken = { ...entity({ name: 'z' }), kind: null as unknown as string };
    const changedA = entity({ name: 'a', clusters: { prod: [result('replicas', 'fail', { severity: 'critical' })] } });
    try {
      await store.saveRun({ startedAt: day(1), finishedAt: day(1), entities: [changedA, entity({ name: 'c' }), broken], clusterStatuses: [failedStatus('prod', day(1), day(0), 'boom')], removedEntityRefs: ['component:default/b'] });
      resolved++;
      console.log('resolved!', i, await knex('posture_entities').select('entity_ref', 'kind'));
    } catch (e) { /* expected */ }
    await knex.destroy();
  }
  expect(resolved).toBe(0);
});
