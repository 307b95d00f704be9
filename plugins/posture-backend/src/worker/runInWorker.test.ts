import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { builtInChecks, resolveEngineConfig } from '@posture-dev/backstage-plugin-posture-node';
import { clusterConfig, component, sleep, startCluster, workloadObjects } from '../__testUtils__/harness';
import { KubernetesClusterSource } from '../clusters/kubernetesSource';
import { entitySelector } from '../mapping';
import { KubeApiTestServer } from '../testUtils';
import { ClusterJob, ClusterJobResult, runClusterJob } from './clusterJob';
import { THREAD_NICENESS, runInWorker, workerEntry } from './runInWorker';

jest.setTimeout(60_000);

const servers: KubeApiTestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map(s => s.close()));
});

async function jobFor(objects: object[], options: { timeoutMs?: number; names?: string[] } = {}) {
  const server = await startCluster('east', objects);
  servers.push(server);
  const cluster = clusterConfig('east', server, { timeoutMs: options.timeoutMs });
  const entities = (options.names ?? ['shop', 'cart', 'absent']).map(name => {
    const sel = entitySelector(component(name), ['east']);
    return { entityRef: `component:default/${name}`, match: sel.match };
  });
  const now = Date.now();
  const job: ClusterJob = { cluster, entities, engine: resolveEngineConfig({}), now, collectedAt: new Date(now).toISOString() };
  return { server, cluster, job };
}

/** The result with each entity's results JSON as text, whether it came as text or as UTF-8 bytes. */
function asText(r: ClusterJobResult): ClusterJobResult {
  return { ...r, entities: textOf(r.entities) };
}

function textOf(entities: ClusterJobResult['entities']): ClusterJobResult['entities'] {
  return entities.map(([ref, e]) => {
    const json = e.results.json;
    return [ref, { ...e, results: { ...e.results, json: typeof json === 'string' ? json : Buffer.from(json).toString('utf8') } }];
  });
}

// on Linux a collection thread lowers its own priority (THREAD_NICENESS)
const threadPriority = process.platform === 'linux' ? { threadPriority: THREAD_NICENESS } : {};

describe('runInWorker', () => {
  it('finds its entry from the TypeScript sources', () => {
    expect(workerEntry()).toMatchObject({ jobModule: expect.stringMatching(/clusterJob\.ts$/), transform: expect.any(String) });
  });

  it("reports the thread's memory while it runs, and the results it handed over at the end", async () => {
    const { job } = await jobFor([
      ...workloadObjects({ id: 'shop', hardened: false }),
      ...workloadObjects({ id: 'cart', hardened: true }),
    ]);
    const reports: number[] = [];
    const finals: boolean[] = [];
    const result = await runInWorker(job, {
      timeoutMs: 30_000,
      onMemory: (b, final) => {
        reports.push(b);
        finals.push(final === true);
      },
      memorySampleMs: 5,
    });
    const handedOver = result.entities.reduce((n, [, e]) => n + (e.results.json as Uint8Array).byteLength, 0);
    expect(handedOver).toBeGreaterThan(0);
    // the last report is what the main thread holds after the thread has gone
    expect(reports[reports.length - 1]).toBe(handedOver);
    expect(finals.indexOf(true)).toBe(finals.length - 1);
    // while it ran, the thread's own heap (a V8 isolate is megabytes before any work)
    expect(reports.reduce((a, b) => Math.max(a, b), 0)).toBeGreaterThan(handedOver + 1024 * 1024);
  });

  it("reports nothing where a thread's heap cannot be read, rather than the results alone", async () => {
    const { job } = await jobFor(workloadObjects({ id: 'shop', hardened: false }));
    const proto = Worker.prototype as { getHeapStatistics?: unknown };
    const original = proto.getHeapStatistics;
    proto.getHeapStatistics = undefined;
    try {
      const reports: number[] = [];
      const result = await runInWorker(job, { timeoutMs: 30_000, onMemory: b => reports.push(b), memorySampleMs: 5 });
      expect(result.entities.length).toBe(1);
      expect(reports).toEqual([]);
    } finally {
      proto.getHeapStatistics = original;
    }
  });

  it('collects, evaluates and maps a cluster in a worker thread, as in process', async () => {
    const { cluster, job } = await jobFor([
      ...workloadObjects({ id: 'shop', hardened: false }),
      ...workloadObjects({ id: 'cart', hardened: true }),
    ]);
    const threaded = await runInWorker(job, { timeoutMs: 30_000 });
    const local = await runClusterJob(job, new AbortController().signal, {
      checks: builtInChecks,
      source: new KubernetesClusterSource(cluster),
    });
    expect(threaded.entities.map(([ref]) => ref).sort()).toEqual(['component:default/cart', 'component:default/shop']);
    expect(asText(threaded)).toEqual({ ...local, bytesRead: expect.any(Number), ...threadPriority });
    expect(threaded.bytesRead).toBeGreaterThan(0);
  });

  it('sends a large cluster back in bounded chunks, which add up to the whole result', async () => {
    const names = Array.from({ length: 80 }, (_, i) => `svc-${i}`);
    const { cluster, job } = await jobFor(
      names.flatMap((id, i) => workloadObjects({ id, hardened: i % 2 === 0 })),
      { names },
    );
    const source = new KubernetesClusterSource(cluster);
    const whole = await runClusterJob(job, new AbortController().signal, { checks: builtInChecks, source });
    const chunks: number[] = [];
    const streamed: typeof whole.entities = [];
    const rest = await runClusterJob(job, new AbortController().signal, {
      checks: builtInChecks,
      source,
      chunkChars: 20_000,
      onEntities: (chunk, transfer) => {
        chunks.push(chunk.reduce((n, [, e]) => n + e.results.json.length, 0));
        // every entity's JSON is a view of the one buffer the chunk transfers
        expect(transfer).toHaveLength(1);
        for (const [, e] of chunk) expect((e.results.json as Uint8Array).buffer).toBe(transfer[0]);
        for (const e of chunk) streamed.push(e);
      },
    });
    const largest = Math.max(...whole.entities.map(([, e]) => e.results.json.length));
    expect(chunks.length).toBeGreaterThan(1);
    // a chunk closes at the first entity that takes it past the bound
    for (const n of chunks) expect(n).toBeLessThan(20_000 + largest);
    expect(rest.entities).toEqual([]);
    expect(textOf(streamed)).toEqual(whole.entities);
    // and through a thread, the chunks are put back together in order
    const threaded = await runInWorker(job, { timeoutMs: 60_000 });
    expect(threaded.entities.map(([ref]) => ref)).toEqual(whole.entities.map(([ref]) => ref));
    expect(asText(threaded)).toEqual({ ...whole, bytesRead: expect.any(Number), ...threadPriority });
    // the bytes came as views of transferred buffers, not as strings
    expect(threaded.entities.every(([, e]) => e.results.json instanceof Uint8Array)).toBe(true);
  });

  it("runs the thread at a lower priority than the backend's own, on Linux", async () => {
    const { job } = await jobFor(workloadObjects({ id: 'shop', hardened: false }));
    const before = os.getPriority(0);
    const lowered = await runInWorker(job, { timeoutMs: 30_000 });
    // only the thread: the event loop's thread keeps its priority
    expect(os.getPriority(0)).toBe(before);
    if (process.platform === 'linux') expect(lowered.threadPriority).toBe(Math.max(before, THREAD_NICENESS));
    else expect(lowered.threadPriority).toBeUndefined();
    const asIs = await runInWorker(job, { timeoutMs: 30_000, niceness: 0 });
    expect(asIs.threadPriority).toBeUndefined();
  });

  it('terminates the thread at the deadline, ending its requests', async () => {
    const { server, job } = await jobFor(workloadObjects({ id: 'shop', hardened: false }));
    server.setFaults([{ fault: 'hang', resource: 'pods' }]);
    // the limit starts once the thread has loaded its modules (compiling the TypeScript sources here)
    const run = runInWorker(job, { timeoutMs: 3_000 });
    await expect(run).rejects.toThrow(/timed out after 3s/);
    expect(server.stats.count({ resource: 'pods' })).toBeGreaterThan(0);
    // the terminated thread's sockets close, so the hung request is no longer pending
    for (let i = 0; i < 100 && server.pendingRequests > 0; i++) await sleep(20);
    expect(server.pendingRequests).toBe(0);
  });

  it("stops when the scheduler's signal aborts", async () => {
    const { server, job } = await jobFor(workloadObjects({ id: 'shop', hardened: false }));
    server.setFaults([{ fault: 'hang', resource: 'pods' }]);
    const controller = new AbortController();
    const run = runInWorker(job, { timeoutMs: 30_000, signal: controller.signal });
    while (server.stats.total === 0) await sleep(10);
    controller.abort(new Error('Task was cancelled'));
    await expect(run).rejects.toThrow('Task was cancelled');
    for (let i = 0; i < 100 && server.pendingRequests > 0; i++) await sleep(20);
    expect(server.pendingRequests).toBe(0);
  });

  it('reports the error of a failed collection', async () => {
    const { server, job } = await jobFor(workloadObjects({ id: 'shop', hardened: false }));
    server.setFaults([{ fault: 'status', code: 403, resource: 'deployments.apps' }]);
    await expect(runInWorker(job, { timeoutMs: 30_000 })).rejects.toThrow(/listing Deployment: 403 Forbidden/);
  });
});
