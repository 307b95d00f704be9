import { KubeApiTestServer, startKubeApiTestServer } from '../testUtils';
import { collectAll } from './collect';
import { COLLECTED_KINDS } from './kinds';
import { KubernetesClusterSource } from './kubernetesSource';

const MANIFESTS = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop, labels: {backstage.io/kubernetes-id: shop}}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: api, image: "shop/api:1.0"}]}
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec: {selector: {app: api}, ports: [{port: 80}]}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: shop}
data: {LOG_LEVEL: info}
---
apiVersion: v1
kind: Secret
metadata: {name: db, namespace: shop}
stringData: {password: hunter2}
---
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata: {name: worker, namespace: shop}
spec: {scaleTargetRef: {name: api}, minReplicaCount: 2, triggers: []}
${[...Array(7)]
  .map(
    (_, i) => `---
apiVersion: v1
kind: ServiceAccount
metadata: {name: sa-${i}, namespace: shop}`,
  )
  .join('\n')}
`;

function source(server: KubeApiTestServer, overrides: Partial<ConstructorParameters<typeof KubernetesClusterSource>[0]> = {}) {
  const { clusters, users } = server.kubeConfigOptions() as any;
  return new KubernetesClusterSource({
    type: 'kubernetes',
    name: 'c1',
    url: clusters[0].server,
    skipTLSVerify: true,
    serviceAccountToken: users[0].token,
    inCluster: false,
    timeoutMs: 5_000,
    pageSize: 3,
    ...overrides,
  });
}

describe('KubernetesClusterSource', () => {
  let server: KubeApiTestServer;
  beforeEach(async () => {
    server = await startKubeApiTestServer({ token: 'sa-token', yaml: MANIFESTS });
  });
  afterEach(() => server.close());

  it('lists every kind with paginated LISTs, as live objects with server defaults', async () => {
    const snap = await source(server).collect(new AbortController().signal);
    expect(snap.mode).toBe('live');
    const deployment = snap.objects.find(o => o.kind === 'Deployment')!;
    expect(deployment).toMatchObject({ apiVersion: 'apps/v1', metadata: { name: 'api' } });
    // filled in by the API server, absent from the manifest
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.strategy.type).toBe('RollingUpdate');
    expect(snap.objectCounts.ServiceAccount).toBe(7);
    expect(snap.objectCounts.ScaledObject).toBe(1);
    expect(snap.objectCounts.ConfigMap).toBe(1);
    expect(snap.warnings.join()).toMatch(/PeerAuthentication .* skipped/);

    // one LIST per kind, plus the pages of kinds with more than 3 objects
    const lists = server.stats.requests({ verb: 'list' } as any);
    // optional CRDs are listed only when discovery serves them: here, those with objects
    const kindsListed = COLLECTED_KINDS.filter(k => !k.optional || (snap.objectCounts[k.kind] ?? 0) > 0).length;
    const firstPages = lists.filter(r => !r.query.continue);
    expect(firstPages).toHaveLength(kindsListed);
    expect(lists.every(r => r.query.limit === '3')).toBe(true);
    expect(lists.filter(r => r.resource === 'serviceaccounts')).toHaveLength(3);
  });

  it('never requests Secrets', async () => {
    await source(server).collect(new AbortController().signal);
    expect(server.stats.wasRequested('secrets')).toBe(false);
  });

  it('restarts a list whose continue token expired (410)', async () => {
    server.setFaults([{ fault: 'expired', resource: 'serviceaccounts', times: 1 }]);
    const snap = await source(server).collect(new AbortController().signal);
    expect(snap.objectCounts.ServiceAccount).toBe(7);
    const sa = server.stats.requests({ verb: 'list' } as any).filter(r => r.resource === 'serviceaccounts');
    expect(sa.filter(r => !r.query.continue)).toHaveLength(2);
  });

  it.each([
    [401, /401 Unauthorized/],
    [403, /403 Forbidden/],
    [500, /500/],
  ])('reports a %s with the kind it was listing', async (code, message) => {
    server.setFaults([{ fault: 'status', code, resource: 'deployments.apps' }]);
    await expect(source(server).collect(new AbortController().signal)).rejects.toThrow(
      new RegExp(`listing Deployment: ${message.source}`),
    );
  });

  it('rejects a bad token', async () => {
    await expect(source(server, { serviceAccountToken: 'wrong' }).collect(new AbortController().signal)).rejects.toThrow(/401/);
  });

  it('fails on a truncated body or a dropped connection instead of hanging', async () => {
    server.setFaults([{ fault: 'truncate', resource: 'pods' }]);
    await expect(source(server).collect(new AbortController().signal)).rejects.toThrow(/not valid JSON/);
    server.setFaults([{ fault: 'reset', framing: 'content-length', resource: 'pods' }]);
    await expect(source(server).collect(new AbortController().signal)).rejects.toThrow(/closed mid-response|socket hang up|aborted/);
  });

  it('times out a hanging cluster without holding up the others', async () => {
    const slow = await startKubeApiTestServer({ token: 'sa-token', yaml: MANIFESTS, faults: [{ fault: 'hang', resource: 'pods' }] });
    try {
      const started = Date.now();
      const outcomes = await collectAll([
        source(server, { name: 'fast' }),
        source(slow, { name: 'hung', timeoutMs: 300 }),
      ]);
      expect(outcomes.find(o => o.cluster === 'fast')).toMatchObject({ ok: true });
      expect(outcomes.find(o => o.cluster === 'hung')).toMatchObject({ ok: false, error: expect.stringMatching(/timed out/) });
      expect(Date.now() - started).toBeLessThan(4_000);
    } finally {
      await slow.close();
    }
  });
});
