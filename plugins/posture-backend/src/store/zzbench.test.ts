import { TestDatabases } from '@backstage/backend-test-utils';
import { PostureStore } from './PostureStore';
import { entity, result, status } from './testFixtures';
import { OVERVIEW_COLUMNS } from './rows';
import { sortRows, distributionOf, pointsOf } from './overview';
jest.setTimeout(120_000);
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
it('bench', async () => {
  const knex = await databases.init('SQLITE_3');
  const store = await PostureStore.fromKnex(knex);
  const AT = '2025-05-01T08:00:00.000Z';
  const fleet = Array.from({ length: 5000 }, (_, i) => entity({ name: `svc-${i}`, title: `Service ${i}`, owner: `group:default/t${i % 25}`, clusters: { c0: [result('a', i % 3 ? 'pass' : 'fail'), result('b', 'pass', { pillar: 'scalability' })] } }));
  await store.saveRun({ startedAt: AT, finishedAt: AT, clusterStatuses: [status('c0', AT)], entities: fleet });
  const time = async (label: string, fn: () => Promise<unknown> | unknown) => {
    await fn();
    const s: number[] = [];
    for (let k = 0; k < 7; k++) { const t = process.hrtime.bigint(); await fn(); s.push(Number(process.hrtime.bigint() - t) / 1e6); }
    console.log(label, s.sort((a, b) => a - b)[3].toFixed(1));
  };
  await time('all cols knex', () => knex('posture_entities').select(OVERVIEW_COLUMNS));
  await time('narrow knex', () => knex('posture_entities').select('entity_ref', 'name', 'scalability', 'security', 'grade', 'level', 'pss_level'));
  await time('raw all', () => knex.raw('select ' + OVERVIEW_COLUMNS.join(',') + ' from posture_entities'));
  const rows: any[] = await knex('posture_entities').select(OVERVIEW_COLUMNS);
  await time('sort', () => sortRows([...rows], 'security', 'asc'));
  await time('sort name', () => sortRows([...rows], 'name', 'asc'));
  await time('dist', () => distributionOf(rows));
  await time('points', () => pointsOf(rows));
  await time('listOverview', () => store.listOverview({ sort: 'security', offset: 2000 }));
});
