import { KubeApiTestServer, startKubeApiTestServer } from '../testUtils';
import { KubernetesClusterSource } from './kubernetesSource';

const POD_SPEC = `
  containers:
    - name: api
      image: shop/api:1.0
      env: [{name: A, value: "${'x'.repeat(2000)}"}]`;

/** A Deployment's ReplicaSet and its Pods (owned), plus a bare Pod and a ReplicaSet nobody owns. */
function manifests(pods: number): string {
  const docs = [
    `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop, uid: d-1, labels: {backstage.io/kubernetes-id: shop}}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:${POD_SPEC}`,
    `apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: api-1
  namespace: shop
  labels: {app: api}
  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: api, uid: d-1, controller: true}]
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:${POD_SPEC}`,
    `apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: orphan, namespace: shop, labels: {app: orphan}}
spec:
  selector: {matchLabels: {app: orphan}}
  template:
    metadata: {labels: {app: orphan}}
    spec:${POD_SPEC}`,
    `apiVersion: v1
kind: Pod
metadata: {name: debug, namespace: shop, labels: {app: debug}}
spec:${POD_SPEC}`,
  ];
  for (let i = 0; i < pods; i++) {
    docs.push(`apiVersion: v1
kind: Pod
metadata:
  name: api-1-${i}
  namespace: shop
  labels: {app: api}
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: api-1, uid: rs-1, controller: true}]
spec:${POD_SPEC}`);
  }
  return docs.join('\n---\n');
}

function source(server: KubeApiTestServer, metadataOnly: boolean) {
  return new KubernetesClusterSource({
    type: 'kubernetes',
    name: 'c1',
    url: server.url,
    skipTLSVerify: true,
    serviceAccountToken: 'sa-token',
    inCluster: false,
    timeoutMs: 10_000,
    pageSize: 500,
    metadataOnly,
    // the bytes of the lists themselves; gzip (kubernetesSource.compression.test.ts) would hide them
    compression: false,
  });
}

describe('metadata-only Pod and ReplicaSet lists', () => {
  let server: KubeApiTestServer;
  beforeEach(async () => {
    server = await startKubeApiTestServer({ token: 'sa-token', yaml: manifests(100) });
  });
  afterEach(() => server.close());

  it('the test server answers PartialObjectMetadataList like an API server', async () => {
    const res = await fetch(`${server.url}/api/v1/pods?limit=2`, {
      headers: {
        Authorization: 'Bearer sa-token',
        Accept: 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json',
      },
    });
    const body = await res.json();
    expect(body).toMatchObject({ kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1' });
    expect(body.metadata.continue).toEqual(expect.any(String));
    expect(body.items).toHaveLength(2);
    for (const item of body.items) {
      expect(Object.keys(item).sort()).toEqual(['apiVersion', 'kind', 'metadata']);
      expect(item.kind).toBe('PartialObjectMetadata');
    }
    const one = await fetch(`${server.url}/api/v1/namespaces/shop/pods/debug`, {
      headers: { Authorization: 'Bearer sa-token', Accept: 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1' },
    });
    expect(await one.json()).toMatchObject({ kind: 'PartialObjectMetadata', metadata: { name: 'debug' } });
    // a plain Accept still gets full objects
    const plain = await (await fetch(`${server.url}/api/v1/pods?limit=1`, { headers: { Authorization: 'Bearer sa-token' } })).json();
    expect(plain.kind).toBe('PodList');
    expect(plain.items[0].spec.containers).toHaveLength(1);
  });

  it('keeps owned objects as metadata, fetches the uncontrolled ones in full, and reads fewer bytes', async () => {
    const partial = await source(server, true).collect(new AbortController().signal);
    const byName = new Map(partial.objects.map(o => [`${o.kind}/${o.metadata.name}`, o]));
    expect(byName.get('Pod/api-1-0')).toMatchObject({ kind: 'Pod', apiVersion: 'v1', metadata: { ownerReferences: [expect.objectContaining({ kind: 'ReplicaSet' })] } });
    expect(byName.get('Pod/api-1-0')!.spec).toBeUndefined();
    expect(byName.get('ReplicaSet/api-1')!.spec).toBeUndefined();
    // judged themselves: fetched in full, with server defaults
    expect(byName.get('Pod/debug')!.spec.containers[0].image).toBe('shop/api:1.0');
    expect(byName.get('ReplicaSet/orphan')).toMatchObject({ kind: 'ReplicaSet', apiVersion: 'apps/v1', spec: { replicas: 1 } });
    expect(partial.objectCounts).toMatchObject({ Pod: 101, ReplicaSet: 2, Deployment: 1 });
    const gets = server.stats.requests({ verb: 'get' } as any).map(r => r.path).sort();
    expect(gets).toEqual(['/api/v1/namespaces/shop/pods/debug', '/apis/apps/v1/namespaces/shop/replicasets/orphan']);

    server.resetStats();
    const full = await source(server, false).collect(new AbortController().signal);
    expect(full.objectCounts).toEqual(partial.objectCounts);
    expect(full.bytesRead).toBe(server.stats.bytesSent);
    expect(partial.bytesRead! * 5).toBeLessThan(full.bytesRead!);
  });

  it('drops an uncontrolled object deleted between the list and its fetch', async () => {
    server.setFaults([{ fault: 'status', code: 404, verb: 'get', resource: 'pods' } as any]);
    const snap = await source(server, true).collect(new AbortController().signal);
    expect(snap.objects.some(o => o.metadata.name === 'debug')).toBe(false);
    expect(snap.objectCounts.Pod).toBe(100);
  });
});
