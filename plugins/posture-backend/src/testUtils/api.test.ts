import { decodeContinue, encodeContinue } from './continueToken';
import { FaultSet, RequestTarget } from './faults';
import {
  BUILTIN_RESOURCES,
  OPTIONAL_RESOURCES,
  ResourceRegistry,
  resourceKeyOf,
} from './resources';
import { KubeApiTestServer, startKubeApiTestServer } from './server';

/** Raw HTTP, for what client-node cannot express (other methods, odd tokens, HEAD). */
async function get(
  server: KubeApiTestServer,
  path: string,
  init: RequestInit = {},
) {
  const res = await fetch(`${server.url}${path}`, init);
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    // text/plain answers stay strings
  }
  return { status: res.status, body, headers: res.headers };
}

const cm = (name: string, namespace: string) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace },
});

describe('list semantics over raw HTTP', () => {
  let server: KubeApiTestServer;
  beforeEach(async () => {
    // namespaces whose names share a prefix must not leak into each other's key range
    server = await startKubeApiTestServer({
      objects: [
        cm('x', 'a'),
        cm('y', 'a'),
        cm('x', 'a-b'),
        cm('x', 'a.b'),
        cm('x', 'ab'),
        cm('x', 'a0'),
      ],
    });
  });
  afterEach(() => server.close());

  it('scopes namespaced lists exactly and sorts cluster-wide lists by namespace/name', async () => {
    const inA = await get(server, '/api/v1/namespaces/a/configmaps');
    expect(
      inA.body.items.map(
        (o: any) => `${o.metadata.namespace}/${o.metadata.name}`,
      ),
    ).toEqual(['a/x', 'a/y']);
    // built-in list items carry no apiVersion/kind, as from a real server
    expect(inA.body.items[0].kind).toBeUndefined();
    expect(inA.body).toMatchObject({ kind: 'ConfigMapList', apiVersion: 'v1' });

    // byte order of etcd keys: '-' and '.' sort before '/'
    const all = await get(server, '/api/v1/configmaps');
    expect(all.body.items.map((o: any) => o.metadata.namespace)).toEqual([
      'a-b',
      'a.b',
      'a',
      'a',
      'a0',
      'ab',
    ]);
  });

  it('pages with remainingItemCount and ends without a continue token', async () => {
    const p1 = await get(server, '/api/v1/configmaps?limit=4');
    expect(p1.body.items).toHaveLength(4);
    expect(p1.body.metadata.remainingItemCount).toBe(2);
    const p2 = await get(
      server,
      `/api/v1/configmaps?limit=4&continue=${encodeURIComponent(
        p1.body.metadata.continue,
      )}`,
    );
    expect(p2.body.items).toHaveLength(2);
    expect(p2.body.metadata.continue).toBeUndefined();
    expect(p2.body.metadata.remainingItemCount).toBeUndefined();
    expect(decodeContinue(p1.body.metadata.continue).rv).toBe(
      Number(p1.body.metadata.resourceVersion),
    );
  });

  it('rejects a malformed continue token and continue together with resourceVersion', async () => {
    const bad = await get(server, '/api/v1/configmaps?continue=not-a-token');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ kind: 'Status', reason: 'BadRequest' });
    const token = encodeURIComponent(
      encodeContinue(server.store.resourceVersion, 'a/x'),
    );
    const both = await get(
      server,
      `/api/v1/configmaps?continue=${token}&resourceVersion=5`,
    );
    expect(both.status).toBe(400);
  });

  it('serves resourceVersion Exact from history and refuses future versions', async () => {
    const before = server.store.resourceVersion;
    server.addObjects([cm('z', 'a')]);
    const exact = await get(
      server,
      `/api/v1/namespaces/a/configmaps?resourceVersion=${before}&resourceVersionMatch=Exact`,
    );
    expect(exact.body.items.map((o: any) => o.metadata.name)).toEqual([
      'x',
      'y',
    ]);
    expect(exact.body.metadata.resourceVersion).toBe(String(before));

    const latest = await get(
      server,
      `/api/v1/namespaces/a/configmaps?resourceVersion=${before}`,
    );
    expect(latest.body.items).toHaveLength(3);

    const future = await get(
      server,
      `/api/v1/configmaps?resourceVersion=${server.store.resourceVersion + 10}`,
    );
    expect(future.status).toBe(504);
    expect(future.body.reason).toBe('Timeout');

    server.compact();
    const gone = await get(
      server,
      `/api/v1/configmaps?resourceVersion=${before}&resourceVersionMatch=Exact`,
    );
    expect(gone.status).toBe(410);
    expect(gone.body.reason).toBe('Expired');
  });

  it('assigns increasing resourceVersions and keeps identity on update', async () => {
    const [first] = server.addObjects([{ ...cm('w', 'a'), data: { k: '1' } }]);
    const [second] = server.addObjects([{ ...cm('w', 'a'), data: { k: '2' } }]);
    expect(Number(second.metadata.resourceVersion)).toBeGreaterThan(
      Number(first.metadata.resourceVersion),
    );
    expect(second.metadata.uid).toBe(first.metadata.uid);
    const fetched = await get(server, '/api/v1/namespaces/a/configmaps/w');
    expect(fetched.body).toMatchObject({
      kind: 'ConfigMap',
      apiVersion: 'v1',
      data: { k: '2' },
    });
  });

  it('bumps generation only when the spec changes', () => {
    const dep = (replicas: number, label: string) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd', labels: { l: label } },
      spec: { replicas, template: { spec: { containers: [] } } },
    });
    server.addObjects([dep(1, 'a')]);
    expect(server.addObjects([dep(1, 'b')])[0].metadata.generation).toBe(1);
    expect(server.addObjects([dep(2, 'b')])[0].metadata.generation).toBe(2);
  });

  it('answers unknown paths, subresources and wrong scopes with 404 Status', async () => {
    for (const path of [
      '/api/v2',
      '/apis/example.com/v1/widgets',
      '/apis/apps/v1/widgets',
      '/api/v1/namespaces/a/configmaps/x/status',
      '/api/v1/configmaps/x',
      '/api/v1/namespaces/a/clusterroles',
      '/nope',
    ]) {
      const res = await get(server, path);
      expect({ path, status: res.status, reason: res.body.reason }).toEqual({
        path,
        status: 404,
        reason: 'NotFound',
      });
    }
  });

  it('is read-only and does not watch', async () => {
    const post = await get(server, '/api/v1/namespaces/a/configmaps', {
      method: 'POST',
      body: '{}',
    });
    expect(post.status).toBe(405);
    expect(post.body.reason).toBe('MethodNotAllowed');
    const watch = await get(server, '/api/v1/configmaps?watch=true');
    expect(watch.status).toBe(405);
  });

  it('serves group discovery and health', async () => {
    const apps = await get(server, '/apis/apps');
    expect(apps.body).toMatchObject({
      kind: 'APIGroup',
      name: 'apps',
      preferredVersion: { groupVersion: 'apps/v1', version: 'v1' },
    });
    const resources = await get(server, '/apis/apps/v1');
    expect(resources.body.resources.map((r: any) => r.name).sort()).toEqual([
      'daemonsets',
      'deployments',
      'replicasets',
      'statefulsets',
    ]);
    expect((await get(server, '/healthz')).body).toBe('ok');
  });

  it('answers 429 with Retry-After and lets faults skip requests', async () => {
    server.setFaults([
      { fault: 'status', code: 429, resource: 'configmaps', skip: 1, times: 1 },
    ]);
    expect((await get(server, '/api/v1/configmaps')).status).toBe(200);
    const limited = await get(server, '/api/v1/configmaps');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(limited.body).toMatchObject({
      reason: 'TooManyRequests',
      details: { retryAfterSeconds: 1 },
    });
    expect((await get(server, '/api/v1/configmaps')).status).toBe(200);
  });
});

describe('custom resource types', () => {
  const widget = {
    group: 'example.com',
    version: 'v1',
    resource: 'widgets',
    singular: 'widget',
    kind: 'Widget',
    namespaced: false,
  };

  it('serves an extra type once it holds objects', async () => {
    const server = await startKubeApiTestServer({ customResources: [widget] });
    try {
      expect((await get(server, '/apis/example.com/v1/widgets')).status).toBe(
        404,
      );
      server.addObjects([
        {
          apiVersion: 'example.com/v1',
          kind: 'Widget',
          metadata: { name: 'w1' },
        },
      ]);
      const list = await get(server, '/apis/example.com/v1/widgets');
      expect(list.body.items.map((o: any) => o.metadata.name)).toEqual(['w1']);
      expect(
        (await get(server, '/apis/example.com/v1/widgets/w1')).body.kind,
      ).toBe('Widget');
      const groups = await get(server, '/apis');
      expect(groups.body.groups.map((g: any) => g.name)).toContain(
        'example.com',
      );
      expect(() => server.enableResource('gadgets')).toThrow(
        'unknown optional resource',
      );
    } finally {
      await server.close();
    }
  });
});

describe('FaultSet', () => {
  const registry = new ResourceRegistry([
    ...BUILTIN_RESOURCES,
    ...OPTIONAL_RESOURCES,
  ]);
  const faults = new FaultSet(n => registry.resolve(n).map(resourceKeyOf));
  const target = (over: Partial<RequestTarget>): RequestTarget => ({
    method: 'GET',
    path: '/api/v1/pods',
    query: {},
    verb: 'list',
    resource: 'pods',
    ...over,
  });

  it('matches globs, resources, namespaces, verbs and continue', () => {
    faults.set([
      { fault: 'hang', path: '/apis/apps/v1/**' },
      {
        fault: 'status',
        code: 403,
        resource: ['deploy', 'Secret'],
        namespace: 'prod',
      },
      { fault: 'expired' },
      { fault: 'latency', ms: 5, verb: 'discovery' },
      { fault: 'truncate', path: '/api/v1/namespaces/*/pods' },
    ]);
    const kinds = (t: RequestTarget) => faults.select(t).map(f => f.fault);
    expect(
      kinds(
        target({
          path: '/apis/apps/v1/namespaces/prod/deployments',
          resource: 'deployments.apps',
          namespace: 'prod',
        }),
      ),
    ).toEqual(['hang', 'status']);
    expect(
      kinds(
        target({
          path: '/api/v1/namespaces/dev/secrets',
          resource: 'secrets',
          namespace: 'dev',
        }),
      ),
    ).toEqual([]);
    expect(kinds(target({ query: { continue: 'x' } }))).toEqual(['expired']);
    expect(
      kinds(target({ path: '/apis', verb: 'discovery', resource: undefined })),
    ).toEqual(['latency']);
    expect(kinds(target({ path: '/api/v1/namespaces/a/pods' }))).toEqual([
      'truncate',
    ]);
    expect(kinds(target({ path: '/api/v1/namespaces/a/b/pods' }))).toEqual([]);
  });

  it('refuses a fault for a resource it does not know', () => {
    expect(() => faults.set([{ fault: 'hang', resource: 'widgets' }])).toThrow(
      'unknown resource',
    );
  });

  it('removes a single added fault', () => {
    faults.set([]);
    const remove = faults.add({ fault: 'reset' });
    expect(faults.select(target({}))).toHaveLength(1);
    remove();
    expect(faults.select(target({}))).toHaveLength(0);
  });
});
