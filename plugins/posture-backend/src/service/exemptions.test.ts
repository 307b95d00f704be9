import { mockCredentials } from '@backstage/backend-test-utils';
import { CheckResult, ExemptionInfo } from '@posture-dev/backstage-plugin-posture-common';
import request from 'supertest';
import { entity, result, status } from '../store/testFixtures';
import { startPosture } from './testBackend';

jest.setTimeout(60_000);

const USER = mockCredentials.user.header('user:default/auditor');

const exempt = (r: CheckResult, exemption: ExemptionInfo): CheckResult => ({
  ...r,
  status: exemption.expired ? 'fail' : 'exempt',
  exemption,
});

const ENTITIES = [
  entity({
    name: 'web',
    owner: 'group:default/team-a',
    clusters: {
      prod: [
        exempt(result('pss-privileged', 'fail', { severity: 'critical', workload: 'web' }), {
          source: 'annotation',
          reason: 'x',
          expired: false,
        }),
        result('run-as-non-root', 'pass'),
      ],
    },
  }),
  entity({
    name: 'api',
    owner: 'group:default/team-b',
    clusters: {
      prod: [
        exempt(result('replicas', 'fail', { pillar: 'scalability', workload: 'api' }), {
          source: 'config',
          reason: 'batch job, one replica by design',
          until: '2025-06-30',
          expired: true,
        }),
      ],
    },
  }),
  entity({ name: 'db', owner: 'group:default/team-a', clusters: { prod: [result('run-as-non-root', 'pass')] } }),
];

describe('exemption audit', () => {
  let t: Awaited<ReturnType<typeof startPosture>>;
  const get = (p: string) => request(t.server).get(`/api/posture${p}`).set('Authorization', USER);
  beforeAll(async () => {
    t = await startPosture({ entities: ENTITIES, clusterStatuses: [status('prod', '2025-01-01T00:00:00.000Z')] });
  });
  afterAll(() => t.stop());

  it('GET /exemptions lists every exemption, annotation or config, with reason, until and where it is declared', async () => {
    const r = await get('/exemptions');
    expect(r.status).toBe(200);
    expect(r.headers['cache-control']).toBe('private, no-store');
    expect(r.body.total).toBe(2);
    expect(r.body.exemptions).toEqual([
      {
        entityRef: 'component:default/api',
        owner: 'group:default/team-b',
        cluster: 'prod',
        checkId: 'replicas',
        severity: 'medium',
        subject: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'api' },
        source: 'config',
        reason: 'batch job, one replica by design',
        until: '2025-06-30',
        expired: true,
        declaredIn: 'posture.engine.exemptions in the backend configuration',
      },
      {
        entityRef: 'component:default/web',
        owner: 'group:default/team-a',
        cluster: 'prod',
        checkId: 'pss-privileged',
        severity: 'critical',
        subject: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' },
        source: 'annotation',
        reason: 'x',
        until: null,
        expired: false,
        declaredIn: 'annotation posture.backstage.io/exempt on Deployment shop/web',
      },
    ]);
  });

  it('filters by source, expiry and entity', async () => {
    const ids = async (q: string) => (await get(`/exemptions?${q}`)).body.exemptions.map((e: any) => e.checkId);
    expect(await ids('source=annotation')).toEqual(['pss-privileged']);
    expect(await ids('expired=true')).toEqual(['replicas']);
    expect(await ids('entityRef=component:default/web')).toEqual(['pss-privileged']);
    expect(await ids('entityRef=component:default/db')).toEqual([]);
  });

  it.each([
    ['source=self', /source/],
    ['expired=yes', /expired/],
    ['limit=5', /unknown parameter\(s\) limit/],
  ])('GET /exemptions?%s is a 400', async (q, message) => {
    const r = await get(`/exemptions?${q}`);
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/^Invalid exemptions query: /);
    expect(r.body.error.message).toMatch(message);
  });

  it('the overview filters on exempted results (an expired exemption is a failure, not an exemption)', async () => {
    const refs = async (q: string) => (await get(`/overview?${q}`)).body.rows.map((r: any) => r.entityRef);
    expect(await refs('exempted=true')).toEqual(['component:default/web']);
    expect(await refs('exempted=false')).toEqual(['component:default/api', 'component:default/db']);
    expect(await refs('exempted=true&owner=group:default/team-b')).toEqual([]);
    const csv = await get('/overview.csv?exempted=true');
    expect(csv.text.trimEnd().split('\r\n')).toHaveLength(2);
    expect((await get('/overview?exempted=maybe')).status).toBe(400);
  });

  it('lists only exemptions of entities the caller may read', async () => {
    const limited = await startPosture({
      entities: ENTITIES,
      clusterStatuses: [status('prod', '2025-01-01T00:00:00.000Z')],
      permissions: { conditional: new Set(['component:default/api']) },
    });
    try {
      const r = await request(limited.server).get('/api/posture/exemptions').set('Authorization', USER);
      expect(r.body.exemptions.map((e: any) => e.entityRef)).toEqual(['component:default/api']);
      const o = await request(limited.server).get('/api/posture/overview?exempted=true').set('Authorization', USER);
      expect(o.body.total).toBe(0);
    } finally {
      await limited.stop();
    }
  });
});
