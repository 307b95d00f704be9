// Figure 1: API requests per collection cycle, 3 clusters and 1,000 catalog entities.
// Ours: KubernetesClusterSource.collect on each cluster, counted by the test servers.
// Baseline: the Backstage kubernetes backend's fan-out, one labelSelector LIST per entity × cluster ×
// object type, issued as plain HTTP GETs against the same servers.
import http from 'node:http';
import {
  generateCluster,
  generateEntities,
  KUBERNETES_ID_LABEL,
  loadCorpus,
} from '../generate.mjs';
import { backend, report, sourceFor } from '../lib/backend.mjs';
import { reps, summarize } from '../lib/env.mjs';

const ENTITIES = 1000;
const CLUSTERS = 3;

/**
 * The object types @backstage/plugin-kubernetes-backend fetches for an entity by default
 * (DEFAULT_OBJECTS: pods, services, configmaps, limitranges, resourcequotas, deployments, replicasets,
 * horizontalpodautoscalers, jobs, cronjobs, ingresses, statefulsets, daemonsets).
 */
const BASELINE_PATHS = [
  '/api/v1/pods',
  '/api/v1/services',
  '/api/v1/configmaps',
  '/api/v1/limitranges',
  '/api/v1/resourcequotas',
  '/apis/apps/v1/deployments',
  '/apis/apps/v1/replicasets',
  '/apis/autoscaling/v2/horizontalpodautoscalers',
  '/apis/batch/v1/jobs',
  '/apis/batch/v1/cronjobs',
  '/apis/networking.k8s.io/v1/ingresses',
  '/apis/apps/v1/statefulsets',
  '/apis/apps/v1/daemonsets',
];

function get(agent, url) {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent, headers: { Accept: 'application/json' } }, res => {
        let n = 0;
        res.on('data', c => {
          n += c.length;
        });
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(n)
            : reject(new Error(`${res.statusCode} from ${url}`)),
        );
      })
      .on('error', reject);
  });
}

async function baseline(servers, entities) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  const urls = [];
  for (const e of entities) {
    const selector = encodeURIComponent(
      `${KUBERNETES_ID_LABEL}=${e.metadata.annotations[KUBERNETES_ID_LABEL]}`,
    );
    for (const s of servers)
      for (const p of BASELINE_PATHS)
        urls.push(`${s.url}${p}?labelSelector=${selector}`);
  }
  let next = 0;
  let sent = 0;
  const worker = async () => {
    while (next < urls.length) {
      const url = urls[next++];
      await get(agent, url);
      sent++;
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  agent.destroy();
  return sent;
}

async function main() {
  const { testUtils, KubernetesClusterSource } = backend();
  const corpus = loadCorpus();
  // the same 1,000 services deployed to three clusters (say prod, staging, dev), each varied differently
  const servers = [];
  for (let c = 0; c < CLUSTERS; c++) {
    const { objects } = generateCluster({
      services: ENTITIES,
      seed: 100 + c,
      corpus,
    });
    servers.push(
      await testUtils.startKubeApiTestServer({ name: `cluster-${c}`, objects }),
    );
  }
  const entities = generateEntities(ENTITIES);
  const n = reps();
  const ours = [];
  const base = [];
  let objects = 0;
  for (let r = 0; r < n; r++) {
    servers.forEach(s => s.resetStats());
    const snaps = await Promise.all(
      servers.map(s =>
        sourceFor(KubernetesClusterSource, s).collect(
          AbortSignal.timeout(600_000),
        ),
      ),
    );
    objects = snaps.reduce((a, s) => a + s.objects.length, 0);
    ours.push(servers.reduce((a, s) => a + s.stats.total, 0));

    servers.forEach(s => s.resetStats());
    const t = Date.now();
    const sent = await baseline(servers, entities);
    const served = servers.reduce((a, s) => a + s.stats.total, 0);
    if (served !== sent)
      throw new Error(
        `baseline sent ${sent} requests but the servers counted ${served}`,
      );
    base.push(served);
    process.stderr.write(
      `[requests] rep ${r + 1}/${n}: ours ${ours.at(-1)}, baseline ${served} (${
        Date.now() - t
      } ms)\n`,
    );
  }
  await Promise.all(servers.map(s => s.close()));
  const oursS = summarize(ours);
  const baseS = summarize(base);
  report({
    clusters: CLUSTERS,
    entities: ENTITIES,
    objects,
    baselineObjectTypes: BASELINE_PATHS.length,
    ours: oursS,
    baseline: baseS,
    ratio: summarize(base.map((b, k) => b / ours[k])),
  });
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
