import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { TestDatabases, mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import express from 'express';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { PostureStore } from '../store/PostureStore';
import { createRouter } from './router';
import request from 'supertest';
import { entity, result, status } from '../store/testFixtures';
import { startPosture } from './testBackend';

jest.setTimeout(60_000);

const USER = mockCredentials.user.header('user:default/alice');
// forty results: a scorecard of several KB, over the 1 KiB below which bodies go as they are
const NOW = new Date().toISOString();
const BIG = entity({
  at: NOW,
  name: 'web',
  owner: 'group:default/team-a',
  clusters: { prod: Array.from({ length: 40 }, (_, i) => result(`check-${i}`, i % 2 ? 'pass' : 'fail')) },
});
const SMALL = entity({ at: NOW, name: 'tiny', owner: 'group:default/team-a', clusters: { prod: [result('replicas', 'pass')] } });

const databases = TestDatabases.create({ ids: ['SQLITE_3'], disableDocker: true });

describe('scorecards sent gzipped', () => {
  it('sends a cached scorecard gzipped to a client that accepts gzip, and as it is to one that does not', async () => {
    // collected just now: data stale by age is re-marked per request and never shared, so never kept gzipped
    const t = await startPosture({ entities: [BIG, SMALL], clusterStatuses: [status('prod', NOW)], savedAt: NOW });
    try {
      const plain = await request(t.server).get('/api/posture/entities/component/default/web').set('Authorization', USER).set('Accept-Encoding', 'identity');
      expect(plain.status).toBe(200);
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.headers.vary).toMatch(/Accept-Encoding/);

      const gz = await request(t.server).get('/api/posture/entities/component/default/web').set('Authorization', USER).set('Accept-Encoding', 'gzip, deflate, br');
      expect(gz.status).toBe(200);
      expect(gz.headers['content-encoding']).toBe('gzip');
      expect(gz.headers.etag).toBe(plain.headers.etag);
      expect(gz.body).toEqual(plain.body);
      expect(gz.body.results.length).toBeGreaterThan(0);

      // the weak ETag holds for either encoding
      const again = await request(t.server)
        .get('/api/posture/entities/component/default/web')
        .set('Authorization', USER)
        .set('Accept-Encoding', 'gzip')
        .set('If-None-Match', plain.headers.etag);
      expect(again.status).toBe(304);

      const refused = await request(t.server).get('/api/posture/entities/component/default/web').set('Authorization', USER).set('Accept-Encoding', 'gzip;q=0');
      expect(refused.headers['content-encoding']).toBeUndefined();
      expect(refused.body).toEqual(plain.body);

      // the overview's shared pages are sent the same way
      const overview = await request(t.server).get('/api/posture/overview').set('Authorization', USER).set('Accept-Encoding', 'gzip');
      expect(overview.status).toBe(200);
      expect(overview.body.rows.map((r: { entityRef: string }) => r.entityRef).sort()).toEqual(['component:default/tiny', 'component:default/web']);
    } finally {
      await t.stop();
    }
  });

  it('behind the compression middleware of the Backstage root router, a scorecard is compressed once', async () => {
    const knex = await databases.init('SQLITE_3');
    const store = await PostureStore.fromKnex(knex);
    await store.saveRun({ startedAt: NOW, finishedAt: NOW, clusterStatuses: [status('prod', NOW)], entities: [BIG] });
    const allow = async (reqs: unknown[]) => reqs.map(() => ({ result: 'ALLOW' as const }));
    const app = express();
    // what rootHttpRouter's default configure puts in front of every plugin's routes
    app.use(MiddlewareFactory.create({ config: new ConfigReader({}), logger: mockServices.logger.mock() }).compression());
    app.use(
      '/api/posture',
      await createRouter({
        store,
        httpAuth: mockServices.httpAuth(),
        permissions: { authorize: allow, authorizeConditional: allow } as any,
        logger: mockServices.logger.mock(),
        checks: () => [],
        triggerRefresh: async () => {},
      }),
    );
    const server = http.createServer(app);
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    try {
      const get = (headers: Record<string, string>) =>
        new Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
          http
            .get({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, path: '/api/posture/entities/component/default/web', headers }, res => {
              const chunks: Buffer[] = [];
              res.on('data', c => chunks.push(c));
              res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
            })
            .on('error', reject);
        });
      const auth = { Authorization: mockCredentials.user.header('user:default/alice') };
      const plain = await get(auth);
      const gz = await get({ ...auth, 'Accept-Encoding': 'gzip' });
      expect(gz.headers['content-encoding']).toBe('gzip');
      // one inflate gives the very bytes sent to a client without gzip
      expect(zlib.gunzipSync(gz.body).equals(plain.body)).toBe(true);
      expect(JSON.parse(plain.body.toString('utf8')).entityRef).toBe('component:default/web');
    } finally {
      await new Promise(r => server.close(r));
      await knex.destroy();
    }
  });
});
