import { CheckResult } from '@posture-dev/backstage-plugin-posture-common';
import { resolveEngineConfig } from '@posture-dev/backstage-plugin-posture-node';
import { TOKEN, clusterConfig, component } from '../__testUtils__/harness';
import { entitySelector } from '../mapping';
import { KubeApiTestServer, startKubeApiTestServer } from '../testUtils';
import { runClusterJob } from '../worker/clusterJob';
import { KubernetesClusterSource } from './kubernetesSource';

jest.setTimeout(30_000);

// a CronJob last applied as batch/v1beta1: its replacement batch/v1 arrived in Kubernetes 1.21
const cronJob = {
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: {
    name: 'nightly',
    namespace: 'apps',
    labels: { 'backstage.io/kubernetes-id': 'nightly' },
    managedFields: [
      { manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'batch/v1beta1', fieldsType: 'FieldsV1', fieldsV1: {} },
    ],
  },
  spec: {
    schedule: '0 3 * * *',
    jobTemplate: {
      spec: { template: { metadata: { labels: { 'backstage.io/kubernetes-id': 'nightly' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'a', image: 'a:1' }] } } },
    },
  },
};

const servers: KubeApiTestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map(s => s.close()));
});

async function apiVersionResult(version: object | undefined, configured?: string) {
  const server = await startKubeApiTestServer({ name: 'east', token: TOKEN, objects: [cronJob], version });
  servers.push(server);
  const cluster = clusterConfig('east', server);
  const now = Date.now();
  const out = await runClusterJob(
    {
      cluster,
      entities: [{ entityRef: 'component:default/nightly', match: entitySelector(component('nightly'), ['east']).match }],
      engine: resolveEngineConfig(configured ? { kubernetesVersion: configured } : {}),
      now,
      collectedAt: new Date(now).toISOString(),
    },
    new AbortController().signal,
    { source: new KubernetesClusterSource(cluster) },
  );
  const results: CheckResult[] = out.entities.flatMap(([, e]) => JSON.parse(Buffer.from(e.results.json).toString()));
  return { result: results.find(r => r.checkId === 'api-version-stable'), warnings: out.warnings };
}

describe("a live cluster's version", () => {
  it('is read from GET /version and decides version-dependent checks', async () => {
    const old = await apiVersionResult({ gitVersion: 'v1.20.15', major: '1', minor: '20' });
    expect(old.result).toMatchObject({ status: 'pass' });
    expect(old.result?.message).toContain('after Kubernetes 1.20');

    const current = await apiVersionResult(undefined);
    expect(current.result).toMatchObject({ status: 'fail' });
    // the test server's default version, not the newest release the table knows
    expect(current.result?.message).toContain('Kubernetes 1.31 no longer serves it');
  });

  it("wins over the configured version, which stands for sources that cannot say", async () => {
    const r = await apiVersionResult({ gitVersion: 'v1.20.15' }, '1.30');
    expect(r.result).toMatchObject({ status: 'pass' });
  });

  it('costs a warning, not the collection, when the server answers nonsense', async () => {
    const r = await apiVersionResult({ gitVersion: 'v1.20\u0000; drop' }, '1.20');
    expect(r.warnings).toContain(
      'the server version (GET /version) is not a Kubernetes version; version-dependent checks use posture.engine.kubernetesVersion',
    );
    // the configured version applies
    expect(r.result).toMatchObject({ status: 'pass' });
  });
});
