import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ApiException,
  ApisApi,
  AppsV1Api,
  CoreApi,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
  ObservableMiddleware,
  Observable,
  RbacAuthorizationV1Api,
  ServerConfiguration,
  VersionApi,
  createConfiguration,
} from '@kubernetes/client-node';
import { KubeApiTestServer, startKubeApiTestServer } from './server';

function kubeConfigFor(
  server: KubeApiTestServer,
  token?: string | null,
): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions(server.kubeConfigOptions({ token }));
  return kc;
}

/**
 * client-node 1.4.0 has no request timeout option: a RequestContext takes
 * an AbortSignal, which node-fetch honours. This middleware gives every
 * request a fresh deadline.
 */
function timeoutMiddleware(ms: number): ObservableMiddleware {
  return {
    pre: ctx => {
      ctx.setSignal(AbortSignal.timeout(ms));
      return new Observable(Promise.resolve(ctx));
    },
    post: rsp => new Observable(Promise.resolve(rsp)),
  };
}

/** Captures the rejection so tests can assert on its fields. */
async function failure(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected the call to fail');
}

function pod(
  name: string,
  namespace: string,
  labels: Record<string, string> = {},
) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels },
    spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] },
  };
}

const WORKLOADS_YAML = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels: { app: web, tier: frontend }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: registry.example.com/web
          ports: [{ containerPort: 8080 }]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: db
  namespace: shop
  labels: { app: db, tier: backend }
spec:
  replicas: 2
  selector: { matchLabels: { app: db } }
  template:
    metadata: { labels: { app: db } }
    spec:
      containers: [{ name: db, image: postgres:16 }]
---
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Secret
    metadata: { name: db-password, namespace: shop }
    data: { password: c2VjcmV0 }
  - apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRole
    metadata: { name: reader }
    rules: [{ apiGroups: [''], resources: [pods], verbs: [get, list] }]
`;

describe('startKubeApiTestServer with @kubernetes/client-node', () => {
  let server: KubeApiTestServer;
  let core: CoreV1Api;
  let apps: AppsV1Api;

  beforeEach(async () => {
    const pods = [
      ...Array.from({ length: 7 }, (_, i) =>
        pod(`api-${i}`, 'shop', {
          app: 'api',
          track: i % 2 ? 'canary' : 'stable',
        }),
      ),
      pod('solo', 'ops', { app: 'tool' }),
    ];
    server = await startKubeApiTestServer({
      token: 'secret-token',
      objects: pods,
      yaml: WORKLOADS_YAML,
    });
    const kc = kubeConfigFor(server);
    core = kc.makeApiClient(CoreV1Api);
    apps = kc.makeApiClient(AppsV1Api);
  });

  afterEach(async () => {
    await server.close();
  });

  it('pages a list with limit and continue, every item exactly once', async () => {
    const seen: string[] = [];
    const versions = new Set<string | undefined>();
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await core.listNamespacedPod({
        namespace: 'shop',
        limit: 3,
        _continue: token,
      });
      pages++;
      seen.push(...page.items.map(p => p.metadata!.name!));
      versions.add(page.metadata?.resourceVersion);
      if (page.metadata?._continue) {
        expect(page.metadata.remainingItemCount).toBe(7 - seen.length);
      }
      token = page.metadata?._continue;
    } while (token);

    expect(pages).toBe(3);
    expect(seen).toEqual([
      'api-0',
      'api-1',
      'api-2',
      'api-3',
      'api-4',
      'api-5',
      'api-6',
    ]);
    // every page belongs to the snapshot of the first
    expect(versions.size).toBe(1);
    expect(
      server.stats.count({ resource: 'pods', withQuery: 'continue' }),
    ).toBe(2);
  });

  it('keeps pages consistent while objects change between them', async () => {
    const first = await core.listNamespacedPod({ namespace: 'shop', limit: 4 });
    server.addObjects([pod('api-00', 'shop'), pod('zzz', 'shop')]);
    server.deleteObjects([
      { apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: 'api-6' },
    ]);
    const rest = await core.listNamespacedPod({
      namespace: 'shop',
      _continue: first.metadata!._continue,
    });

    const names = [...first.items, ...rest.items].map(p => p.metadata!.name);
    expect(names).toEqual([
      'api-0',
      'api-1',
      'api-2',
      'api-3',
      'api-4',
      'api-5',
      'api-6',
    ]);
    expect(rest.metadata?.resourceVersion).toBe(
      first.metadata?.resourceVersion,
    );

    const fresh = await core.listNamespacedPod({ namespace: 'shop' });
    expect(fresh.items.map(p => p.metadata!.name)).toContain('zzz');
    expect(fresh.items.map(p => p.metadata!.name)).not.toContain('api-6');
    expect(Number(fresh.metadata!.resourceVersion)).toBeGreaterThan(
      Number(first.metadata!.resourceVersion),
    );
  });

  it('filters with the full label selector syntax', async () => {
    const names = async (labelSelector: string) =>
      (await core.listPodForAllNamespaces({ labelSelector })).items
        .map(p => p.metadata!.name)
        .sort();

    expect(await names('track=canary')).toEqual(['api-1', 'api-3', 'api-5']);
    expect(await names('track==stable,app=api')).toEqual([
      'api-0',
      'api-2',
      'api-4',
      'api-6',
    ]);
    expect(await names('app in (tool, nothing)')).toEqual(['solo']);
    expect(await names('app notin (api)')).toEqual(['solo']);
    expect(await names('track!=stable')).toEqual([
      'api-1',
      'api-3',
      'api-5',
      'solo',
    ]);
    expect(await names('!track')).toEqual(['solo']);
    expect(await names('track')).toHaveLength(7);

    const bad = await failure(
      core.listPodForAllNamespaces({ labelSelector: 'app in (a' }),
    );
    expect(bad).toBeInstanceOf(ApiException);
    expect(bad.code).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({
      kind: 'Status',
      reason: 'BadRequest',
      code: 400,
    });
  });

  it('does not report remainingItemCount when selectors filter a paged list', async () => {
    const page = await core.listPodForAllNamespaces({
      labelSelector: 'app=api',
      limit: 2,
    });
    expect(page.items).toHaveLength(2);
    expect(page.metadata?._continue).toBeDefined();
    expect(page.metadata?.remainingItemCount).toBeUndefined();
  });

  it('filters with field selectors on metadata.name and metadata.namespace', async () => {
    const byName = await core.listPodForAllNamespaces({
      fieldSelector: 'metadata.name=solo',
    });
    expect(byName.items.map(p => p.metadata!.namespace)).toEqual(['ops']);
    const notShop = await core.listPodForAllNamespaces({
      fieldSelector: 'metadata.namespace!=shop',
    });
    expect(notShop.items.map(p => p.metadata!.name)).toEqual(['solo']);

    const bad = await failure(
      core.listPodForAllNamespaces({ fieldSelector: 'spec.bogus=1' }),
    );
    expect(bad.code).toBe(400);
    expect(JSON.parse(bad.body).message).toBe(
      'field label not supported: spec.bogus',
    );
  });

  it('separates namespaced and cluster-wide lists and cluster-scoped kinds', async () => {
    expect((await core.listPodForAllNamespaces()).items).toHaveLength(8);
    expect(
      (await core.listNamespacedPod({ namespace: 'ops' })).items,
    ).toHaveLength(1);
    expect(
      (await core.listNamespacedPod({ namespace: 'nowhere' })).items,
    ).toHaveLength(0);
    expect(
      (await apps.listDeploymentForAllNamespaces()).items.map(
        d => d.metadata!.name,
      ),
    ).toEqual(['db', 'web']);
    const rbac = kubeConfigFor(server).makeApiClient(RbacAuthorizationV1Api);
    expect(
      (await rbac.listClusterRole()).items.map(r => r.metadata!.name),
    ).toEqual(['reader']);
    // the namespaces the data uses exist, as on a real cluster
    expect(
      (await core.listNamespace()).items.map(n => n.metadata!.name),
    ).toEqual(['default', 'ops', 'shop']);
  });

  it('gets one object with server defaults, and answers a missing one with a NotFound Status', async () => {
    const web = await apps.readNamespacedDeployment({
      name: 'web',
      namespace: 'shop',
    });
    expect(web.spec?.replicas).toBe(1);
    expect(web.spec?.strategy?.rollingUpdate?.maxSurge).toBe('25%');
    expect(web.spec?.template.spec?.containers[0].imagePullPolicy).toBe(
      'Always',
    );
    expect(web.spec?.template.spec?.containers[0].ports?.[0].protocol).toBe(
      'TCP',
    );
    expect(web.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(web.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(web.metadata?.generation).toBe(1);

    const err = await failure(
      apps.readNamespacedDeployment({ name: 'missing', namespace: 'shop' }),
    );
    expect(err).toBeInstanceOf(ApiException);
    expect(err.code).toBe(404);
    expect(JSON.parse(err.body)).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'deployments.apps "missing" not found',
      reason: 'NotFound',
      details: { name: 'missing', group: 'apps', kind: 'deployments' },
      code: 404,
    });
  });

  it('answers 401 without a token or with a wrong one', async () => {
    const anonymous = kubeConfigFor(server, null).makeApiClient(CoreV1Api);
    const err = await failure(
      anonymous.listNamespacedPod({ namespace: 'shop' }),
    );
    expect(err).toBeInstanceOf(ApiException);
    expect(err.code).toBe(401);

    // the generated client drops 401 bodies; the generic client keeps them
    const generic = KubernetesObjectApi.makeApiClient(
      kubeConfigFor(server, 'wrong'),
    );
    const err2 = await failure(generic.list('v1', 'Pod', 'shop'));
    expect(err2.code).toBe(401);
    expect(JSON.parse(err2.body)).toMatchObject({
      kind: 'Status',
      reason: 'Unauthorized',
      code: 401,
    });
    expect(server.stats.count({ status: 401 })).toBeGreaterThanOrEqual(2);
  });

  it('injects 403 for one resource only', async () => {
    server.setFaults([{ fault: 'status', code: 403, resource: 'Secret' }]);
    const err = await failure(core.listSecretForAllNamespaces());
    expect(err.code).toBe(403);
    expect(JSON.parse(err.body)).toMatchObject({
      reason: 'Forbidden',
      code: 403,
      message:
        'secrets is forbidden: User "system:serviceaccount:posture:collector" cannot list resource "secrets" in API group "" at the cluster scope',
      details: { kind: 'secrets' },
    });
    expect((await core.listPodForAllNamespaces()).items).toHaveLength(8);
  });

  it('injects a 500 a limited number of times, then recovers', async () => {
    server.setFaults([
      { fault: 'status', code: 500, path: '/apis/apps/v1/**', times: 1 },
    ]);
    const err = await failure(apps.listDeploymentForAllNamespaces());
    expect(err.code).toBe(500);
    expect(JSON.parse(err.body)).toMatchObject({
      reason: 'InternalError',
      code: 500,
    });
    expect((await apps.listDeploymentForAllNamespaces()).items).toHaveLength(2);
  });

  it('answers 410 Expired on continue, with a token to resume inconsistently', async () => {
    const first = await core.listNamespacedPod({ namespace: 'shop', limit: 3 });
    server.setFaults([{ fault: 'expired', resource: 'pods', times: 1 }]);
    const err = await failure(
      core.listNamespacedPod({
        namespace: 'shop',
        _continue: first.metadata!._continue,
      }),
    );
    expect(err.code).toBe(410);
    const status = JSON.parse(err.body);
    expect(status).toMatchObject({
      kind: 'Status',
      reason: 'Expired',
      code: 410,
    });
    expect(status.metadata.continue).toEqual(expect.any(String));

    const rest = await core.listNamespacedPod({
      namespace: 'shop',
      _continue: status.metadata.continue,
    });
    expect(rest.items.map(p => p.metadata!.name)).toEqual([
      'api-3',
      'api-4',
      'api-5',
      'api-6',
    ]);
  });

  it('expires continue tokens for real after compaction', async () => {
    const first = await core.listNamespacedPod({ namespace: 'shop', limit: 3 });
    server.addObjects([pod('api-7', 'shop')]);
    server.compact();
    const err = await failure(
      core.listNamespacedPod({
        namespace: 'shop',
        _continue: first.metadata!._continue,
      }),
    );
    expect(err.code).toBe(410);
    expect(JSON.parse(err.body).reason).toBe('Expired');
  });

  it('makes the client fail on a truncated body and on a dropped connection', async () => {
    server.setFaults([{ fault: 'truncate', resource: 'pods', times: 1 }]);
    const truncated = await failure(core.listPodForAllNamespaces());
    expect(truncated).toBeInstanceOf(SyntaxError);

    server.setFaults([{ fault: 'reset', resource: 'pods', times: 1 }]);
    const reset = await failure(core.listPodForAllNamespaces());
    // client-node 2 fetches with Node's own fetch (undici): a dropped connection is a TypeError
    // ('fetch failed' / 'terminated'); client-node 1's node-fetch called it a FetchError
    expect(['TypeError', 'FetchError']).toContain(reset.name);
    expect(`${reset.message} ${reset.cause?.message ?? ''}`).toMatch(/fetch failed|terminated|Premature close|socket/i);

    expect((await core.listPodForAllNamespaces()).items).toHaveLength(8);
  });

  it('needs a deadline to survive a connection dropped inside a Content-Length body', async () => {
    // node-fetch 2 (client-node 1) waited forever for the missing bytes and only the AbortSignal
    // ended the call; Node's fetch (client-node 2) sees the reset itself. Either way the call ends.
    server.setFaults([
      { fault: 'reset', framing: 'content-length', resource: 'pods' },
    ]);
    const err = await failure(
      core.listPodForAllNamespaces(
        {},
        {
          middleware: [timeoutMiddleware(500)],
          middlewareMergeStrategy: 'append',
        },
      ),
    );
    expect(['AbortError', 'TimeoutError', 'TypeError']).toContain(err.name);
  });

  it('hangs until the client times out via an AbortSignal', async () => {
    server.setFaults([{ fault: 'hang', resource: 'deployments' }]);
    const started = Date.now();
    const err = await failure(
      apps.listDeploymentForAllNamespaces(
        {},
        {
          middleware: [timeoutMiddleware(300)],
          middlewareMergeStrategy: 'append',
        },
      ),
    );
    const elapsed = Date.now() - started;
    // AbortSignal.timeout() aborts with a TimeoutError; a plain abort() with an AbortError
    expect(['AbortError', 'TimeoutError']).toContain(err.name);
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(5000);

    const entry = server.stats.requests({ resource: 'deployments' })[0];
    expect(entry.faults).toEqual(['hang']);
    expect(entry.status).toBeUndefined();
  });

  it('applies a construction-time timeout to KubernetesObjectApi', async () => {
    // KubernetesObjectApi ignores per-call middleware, so the deadline goes into its configuration
    const kc = kubeConfigFor(server);
    const objects = new KubernetesObjectApi(
      createConfiguration({
        baseServer: new ServerConfiguration(server.url, {}),
        authMethods: { default: kc },
        middleware: [timeoutMiddleware(300)],
      }),
    );
    const ok = await objects.list('apps/v1', 'Deployment', 'shop');
    expect(ok.items).toHaveLength(2);

    server.setFaults([{ fault: 'hang', verb: 'list' }]);
    const err = await failure(objects.list('apps/v1', 'Deployment', 'shop'));
    expect(['AbortError', 'TimeoutError']).toContain(err.name);
    // the server sees the client give up; nothing stays pending
    for (let i = 0; i < 100 && server.pendingRequests > 0; i++)
      await new Promise(r => setTimeout(r, 10));
    expect(server.pendingRequests).toBe(0);
    expect(server.stats.requests({ verb: 'list' }).at(-1)?.aborted).toBe(true);
  });

  it('closes promptly with a request still hanging', async () => {
    server.setFaults([{ fault: 'hang' }]);
    const call = core.listPodForAllNamespaces().catch(e => e);
    while (server.pendingRequests === 0)
      await new Promise(r => setTimeout(r, 10));
    await server.close();
    const err = await call;
    expect(err).toBeInstanceOf(Error);
  });

  it('adds latency without failing', async () => {
    server.setFaults([{ fault: 'latency', ms: 200, resource: 'pods' }]);
    const started = Date.now();
    const list = await core.listNamespacedPod({ namespace: 'ops' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(list.items).toHaveLength(1);
  });

  it('counts requests per resource and logs them', async () => {
    await apps.listDeploymentForAllNamespaces();
    await core.listNamespacedPod({
      namespace: 'shop',
      labelSelector: 'app=api',
    });
    await core.readNamespace({ name: 'shop' });

    expect(server.stats.total).toBe(3);
    expect(server.stats.byResource).toEqual({
      'deployments.apps': 1,
      pods: 1,
      namespaces: 1,
    });
    expect(server.stats.byPath['/api/v1/namespaces/shop/pods']).toBe(1);
    expect(server.stats.wasRequested('secrets')).toBe(false);
    expect(server.stats.wasRequested('Deployment')).toBe(true);
    const [podsCall] = server.stats.requests({ resource: 'pods' });
    expect(podsCall).toMatchObject({
      method: 'GET',
      path: '/api/v1/namespaces/shop/pods',
      query: { labelSelector: 'app=api' },
      status: 200,
      verb: 'list',
      namespace: 'shop',
    });
    server.resetStats();
    expect(server.stats.total).toBe(0);
  });

  it('serves /version', async () => {
    const version = await kubeConfigFor(server)
      .makeApiClient(VersionApi)
      .getCode();
    expect(version.gitVersion).toBe('v1.31.4');
  });
});

describe('discovery and optional CRDs', () => {
  const scaledObject = {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: { name: 'web', namespace: 'shop' },
    spec: { scaleTargetRef: { name: 'web' }, triggers: [] },
  };

  async function groupsOf(server: KubeApiTestServer): Promise<string[]> {
    const list = await kubeConfigFor(server)
      .makeApiClient(ApisApi)
      .getAPIVersions();
    return list.groups.map(g => g.name).sort();
  }

  it('lists built-in groups and resources, without CRDs when none are present', async () => {
    const server = await startKubeApiTestServer();
    try {
      const kc = kubeConfigFor(server);
      expect(await groupsOf(server)).toEqual([
        'apps',
        'autoscaling',
        'batch',
        'networking.k8s.io',
        'policy',
        'rbac.authorization.k8s.io',
      ]);
      expect(
        (await kc.makeApiClient(CoreApi).getAPIVersions()).versions,
      ).toEqual(['v1']);
      const coreResources = await kc.makeApiClient(CoreV1Api).getAPIResources();
      const pods = coreResources.resources.find(r => r.name === 'pods');
      expect(pods).toMatchObject({
        kind: 'Pod',
        namespaced: true,
        verbs: ['get', 'list'],
      });
      expect(
        coreResources.resources.find(r => r.name === 'namespaces')?.namespaced,
      ).toBe(false);

      const custom = kc.makeApiClient(CustomObjectsApi);
      const err = await failure(
        custom.listClusterCustomObject({
          group: 'keda.sh',
          version: 'v1alpha1',
          plural: 'scaledobjects',
        }),
      );
      expect(err.code).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('serves a CRD once the data contains it', async () => {
    const server = await startKubeApiTestServer({ objects: [scaledObject] });
    try {
      expect(await groupsOf(server)).toContain('keda.sh');
      expect(await groupsOf(server)).not.toContain('argoproj.io');
      const objects = KubernetesObjectApi.makeApiClient(kubeConfigFor(server));
      const list = await objects.list('keda.sh/v1alpha1', 'ScaledObject');
      expect(list.items.map(o => o.metadata?.name)).toEqual(['web']);
      // custom resources keep apiVersion/kind on list items, built-ins do not
      expect(list.items[0]).toMatchObject({
        apiVersion: 'keda.sh/v1alpha1',
        kind: 'ScaledObject',
      });
      expect(
        server.getObject('keda.sh/v1alpha1', 'ScaledObject', 'web', 'shop')
          ?.metadata.generation,
      ).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('serves an empty CRD when an option enables it', async () => {
    const server = await startKubeApiTestServer({
      crds: ['peerauthentications.security.istio.io', 'Rollout'],
    });
    try {
      expect(await groupsOf(server)).toEqual(
        expect.arrayContaining(['security.istio.io', 'argoproj.io']),
      );
      expect(await groupsOf(server)).not.toContain('keda.sh');
      const custom = kubeConfigFor(server).makeApiClient(CustomObjectsApi);
      const list = await custom.listClusterCustomObject({
        group: 'argoproj.io',
        version: 'v1alpha1',
        plural: 'rollouts',
      });
      expect(list.items).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

describe('loading data', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-api-test-'));
    fs.mkdirSync(path.join(dir, 'nested'));
    fs.writeFileSync(path.join(dir, 'workloads.yaml'), WORKLOADS_YAML);
    fs.writeFileSync(
      path.join(dir, 'nested', 'svc.json'),
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web', namespace: 'shop' },
        spec: { ports: [{ port: 80 }] },
      }),
    );
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not data');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('loads multi-document YAML, List and JSON files from folders', async () => {
    const server = await startKubeApiTestServer({ dirs: dir });
    try {
      const kinds = server
        .objects()
        .map(o => o.kind)
        .sort();
      expect(kinds).toEqual([
        'ClusterRole',
        'Deployment',
        'Deployment',
        'Namespace',
        'Namespace',
        'Secret',
        'Service',
      ]);
      const svc = await kubeConfigFor(server)
        .makeApiClient(CoreV1Api)
        .readNamespacedService({ name: 'web', namespace: 'shop' });
      expect(svc.spec).toMatchObject({
        type: 'ClusterIP',
        sessionAffinity: 'None',
      });
      expect(svc.spec?.ports?.[0]).toMatchObject({
        port: 80,
        protocol: 'TCP',
        targetPort: 80,
      });
    } finally {
      await server.close();
    }
  });

  it('rejects kinds it does not serve, naming them', async () => {
    await expect(
      startKubeApiTestServer({
        objects: [
          {
            apiVersion: 'example.com/v1',
            kind: 'Widget',
            metadata: { name: 'w' },
          },
        ],
      }),
    ).rejects.toThrow('example.com/v1 Widget');
  });

  it('restores the initial state on reset', async () => {
    const server = await startKubeApiTestServer({
      yaml: WORKLOADS_YAML,
      faults: [{ fault: 'status', code: 500, resource: 'secrets' }],
    });
    try {
      const before = server.objects().length;
      server.addObjects([pod('extra', 'shop')]);
      server.setFaults([]);
      server.reset();
      expect(server.objects()).toHaveLength(before);
      const core = kubeConfigFor(server).makeApiClient(CoreV1Api);
      expect((await failure(core.listSecretForAllNamespaces())).code).toBe(500);
    } finally {
      await server.close();
    }
  });
});
