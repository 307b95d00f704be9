import {
  BackstageCredentials,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import { permissionsRegistryServiceFactory } from '@backstage/backend-defaults/permissionsRegistry';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import permissionPlugin from '@backstage/plugin-permission-backend';
import posturePlugin from '@posture-dev/backstage-plugin-posture-backend';
import { posturePolicyModule, RESTRICTED_ANNOTATION } from './posturePolicy';

/*
 * The demo policy against the real permission backend, the real catalog (which resolves the
 * conditional decision per entity) and the real posture plugin: nothing of the permission path is
 * mocked. Only who a user is (their ownership refs) comes from a table, as a sign-in resolver
 * would provide it.
 */

jest.setTimeout(120_000);

const MEMBERS: Record<string, string[]> = {
  'user:default/alice': ['group:default/team-a'],
  'user:default/bob': ['group:default/team-b'],
  'user:default/pat': ['group:default/team-platform'],
};
const as = (user: string) => mockCredentials.user.header(user);
const ALICE = as('user:default/alice');
const BOB = as('user:default/bob');
const PAT = as('user:default/pat');

const component = (name: string, owner: string, annotations: Record<string, string> = {}) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, annotations: { 'backstage.io/kubernetes-id': name, ...annotations } },
  spec: { type: 'service', lifecycle: 'production', owner },
});

const deployment = (name: string, privileged: boolean) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'default', labels: { 'backstage.io/kubernetes-id': name } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name, 'backstage.io/kubernetes-id': name } },
      spec: { containers: [{ name, image: `registry.example.com/${name}:1.0.0`, securityContext: { privileged } }] },
    },
  },
});

/**
 * The mock auth service, except that a token a plugin obtained on behalf of a user authenticates
 * as that user *with the plugin as actor*, as Backstage's real AuthService does. The catalog's
 * apply-conditions endpoint refuses user credentials without an actor, and the mock drops it.
 * (The real httpAuth service is installed with it; the mock httpAuth has its own mock auth.)
 */
const oboWithActorAuthFactory = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }) {
    const inner = mockServices.auth({ pluginId: plugin.getId() });
    const PREFIX = 'mock-service-token:';
    return Object.assign(Object.create(inner), {
      async authenticate(token: string, options?: { allowLimitedAccess?: boolean }) {
        const credentials = await inner.authenticate(token, options);
        if (token.startsWith(PREFIX)) {
          const { sub, obo } = JSON.parse(token.slice(PREFIX.length));
          if (obo) return mockCredentials.user(obo, { actor: { subject: sub } });
        }
        return credentials;
      },
    });
  },
});

describe('the demo permission policy, on the real permission backend with catalog conditions', () => {
  let dir: string;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  const send = (method: 'get' | 'post', p: string, auth: string) =>
    request(backend.server)[method](`/api/posture${p}`).set('Authorization', auth);

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'posture-policy-'));
    const entities = [
      component('web', 'team-a'),
      // readable by its owners only: the conditional read the demo shows on one entity
      component('vault', 'team-a', { [RESTRICTED_ANNOTATION]: 'owners' }),
      component('shop', 'team-b'),
    ];
    fs.writeFileSync(path.join(dir, 'catalog.json'), entities.map(e => JSON.stringify(e)).join('\n---\n'));
    fs.mkdirSync(path.join(dir, 'cluster'));
    fs.writeFileSync(
      path.join(dir, 'cluster', 'workloads.json'),
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [deployment('web', false), deployment('vault', true), deployment('shop', false)],
      }),
    );
    backend = await startTestBackend({
      features: [
        permissionPlugin,
        posturePolicyModule,
        catalogPlugin,
        posturePlugin,
        permissionsServiceFactory,
        permissionsRegistryServiceFactory,
        oboWithActorAuthFactory,
        // the real one, so that every plugin authenticates through the auth service above
        httpAuthServiceFactory,
        createServiceFactory({
          service: coreServices.userInfo,
          deps: {},
          factory: () => ({
            async getUserInfo(credentials: BackstageCredentials) {
              const principal = credentials.principal as { type: string; userEntityRef?: string };
              if (principal.type !== 'user' || !principal.userEntityRef) throw new Error('not a user');
              return {
                userEntityRef: principal.userEntityRef,
                ownershipEntityRefs: [principal.userEntityRef, ...(MEMBERS[principal.userEntityRef] ?? [])],
              };
            },
          }),
        }),
        mockServices.rootConfig.factory({
          data: {
            permission: { enabled: true, posture: { platformRefs: ['group:default/team-platform'] } },
            catalog: {
              rules: [{ allow: ['Component', 'Location'] }],
              locations: [{ type: 'file', target: path.join(dir, 'catalog.json') }],
            },
            posture: {
              useKubernetesClusters: false,
              schedule: { frequency: { hours: 24 }, initialDelay: { hours: 24 } },
              // the first collection and the permission test both refresh; no cooldown between them
              refreshCooldown: { seconds: 0 },
              clusters: [{ type: 'manifests', name: 'demo', path: path.join(dir, 'cluster') }],
            },
          },
        }),
      ],
    });
    // the catalog processes its locations in the background: wait for the three components
    const deadline = Date.now() + 60_000;
    for (;;) {
      const r = await request(backend.server)
        .get('/api/catalog/entities/by-query?filter=kind=component')
        .set('Authorization', mockCredentials.service.header());
      const owned = (r.body.items ?? []).filter((e: any) => e.relations?.some((x: any) => x.type === 'ownedBy'));
      if (owned.length === 3) break;
      if (Date.now() > deadline) throw new Error(`catalog not ready: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
      await new Promise(res => setTimeout(res, 500));
    }
    // a platform member collects; the mock scheduler runs the task inside the request
    const refresh = await send('post', '/refresh', PAT);
    if (refresh.status !== 202) throw new Error(`the first collection was refused: ${refresh.status}`);
  });

  afterAll(async () => {
    await backend?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('posture.refresh: platform members only', async () => {
    expect((await send('post', '/refresh', BOB)).status).toBe(403);
    expect((await send('post', '/refresh', ALICE)).status).toBe(403);
    expect((await send('post', '/refresh', PAT)).status).toBe(202);
  });

  it('posture.cluster.read: platform members only', async () => {
    const bob = await send('get', '/clusters', BOB);
    expect(bob.status).toBe(403);
    expect(JSON.stringify(bob.body)).not.toContain('demo');
    const pat = await send('get', '/clusters', PAT);
    expect(pat.status).toBe(200);
    expect(pat.body.clusters.map((c: any) => c.name)).toEqual(['demo']);
  });

  it('posture.scorecard.read: everyone, but the restricted entity only for its owners', async () => {
    // an ordinary entity: anyone
    for (const user of [ALICE, BOB, PAT]) {
      const web = await send('get', '/entities/component/default/web', user);
      expect({ status: web.status, body: web.status === 200 ? 'ok' : web.body }).toEqual({ status: 200, body: 'ok' });
      expect(web.body.state).toBe('scored');
    }
    // the restricted one: its owners (team-a) yes, anyone else no
    expect((await send('get', '/entities/component/default/vault', ALICE)).status).toBe(200);
    for (const user of [BOB, PAT]) {
      const vault = await send('get', '/entities/component/default/vault', user);
      expect(vault.status).toBe(403);
      expect((await send('get', '/entities/component/default/vault/history', user)).status).toBe(403);
    }
  });

  it('the conditional read filters every list: overview, CSV, checks and team roll-ups', async () => {
    const refs = async (user: string) =>
      (await send('get', '/overview', user)).body.rows.map((r: any) => r.entityRef).sort();
    expect(await refs(ALICE)).toEqual(['component:default/shop', 'component:default/vault', 'component:default/web']);
    expect(await refs(BOB)).toEqual(['component:default/shop', 'component:default/web']);

    const csv = await send('get', '/overview.csv', BOB);
    expect(csv.status).toBe(200);
    expect(csv.text).not.toContain('vault');

    // vault alone is privileged: bob's check counts do not reveal it
    const privileged = async (user: string) =>
      (await send('get', '/checks', user)).body.checks.find((c: any) => c.id === 'pss-privileged');
    expect((await privileged(ALICE)).failingEntities).toBe(1);
    expect((await privileged(BOB)).failingEntities).toBe(0);

    const team = await send('get', '/groups/default/team-a', BOB);
    expect(team.status).toBe(200);
    expect(team.body.entities.map((e: any) => e.entityRef)).toEqual(['component:default/web']);
  });
});
