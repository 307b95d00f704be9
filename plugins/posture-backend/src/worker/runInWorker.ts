import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { ClusterJob, ClusterJobResult } from './clusterJob';

/**
 * Runs one cluster's job in its own worker thread, and terminates the thread when `signal` aborts
 * or `timeoutMs` passes: synchronous parsing and evaluation cannot be interrupted any other way.
 *
 * A fresh `node:worker_threads` Worker per job rather than a pool (piscina): a job is a whole
 * cluster collection (seconds to minutes), so the ~50 ms start-up is noise; the scheduler already
 * bounds how many run at once (one task per cluster); and a thread that ends gives its whole heap
 * back, where a pooled one would keep the high-water mark of the largest cluster it ever saw.
 */
export function runInWorker(
  job: ClusterJob,
  options: {
    signal?: AbortSignal;
    timeoutMs: number;
    resourceLimits?: { maxOldGenerationSizeMb?: number };
    /**
     * The thread's niceness on Linux (default THREAD_NICENESS; 0 leaves it at the backend's). The
     * result's `threadPriority` says what it ran at.
     */
    niceness?: number;
    /**
     * Told the collection's memory every `memorySampleMs` and at the end: the thread's heap and
     * external memory (`Worker.getHeapStatistics`, which answers even while the thread is busy in
     * synchronous code; Node 22.16 and later) plus the results it has handed over so far, which the
     * main thread holds until the save. Without `getHeapStatistics`, never called. `final`: the
     * thread has ended, and the bytes are the results alone.
     */
    onMemory?: (bytes: number, final?: boolean) => void;
    memorySampleMs?: number;
  },
): Promise<ClusterJobResult> {
  const entry = workerEntry();
  if (!entry) return Promise.reject(new Error('worker thread entry not found'));
  return new Promise<ClusterJobResult>((resolve, reject) => {
    let settled = false;
    const worker = new Worker(entry.file, {
      workerData: { job, jobModule: entry.jobModule, transform: entry.transform, niceness: options.niceness ?? THREAD_NICENESS },
      resourceLimits: options.resourceLimits,
      // the thread's output is the parent's; no stdin
      stdin: false,
    });
    let received = 0;
    let threadBytes = 0;
    // without getHeapStatistics (Node before 22.16) the thread's own memory cannot be known, and the
    // results alone would understate it: report nothing, so the gate runs such collections alone
    const onMemory =
      typeof (worker as { getHeapStatistics?: unknown }).getHeapStatistics === 'function' ? options.onMemory : undefined;
    const sampler = onMemory
      ? setInterval(() => {
          const stats = (worker as { getHeapStatistics?: () => Promise<{ total_physical_size: number; external_memory?: number }> })
            .getHeapStatistics?.();
          stats?.then(
            s => {
              if (settled) return;
              threadBytes = s.total_physical_size + (s.external_memory ?? 0);
              onMemory(threadBytes + received);
            },
            () => undefined,
          );
        }, options.memorySampleMs ?? MEMORY_SAMPLE_MS)
      : undefined;
    // a sampler must never keep a backend that is shutting down alive
    sampler?.unref();
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(sampler);
      options.signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const stop = (error: Error) =>
      finish(() => {
        // terminate() stops even a thread busy in synchronous code
        worker.terminate().catch(() => undefined);
        reject(error);
      });
    const onAbort = () => stop(abortError(options.signal?.reason));
    const expire = () => stop(new Error(`timed out after ${Math.round(options.timeoutMs / 1000)}s`));
    // until the thread has loaded its modules, only a generous start-up limit applies (the scheduler's
    // signal always does); then the job's own limit
    let timer: NodeJS.Timeout | undefined = setTimeout(expire, Math.max(options.timeoutMs, STARTUP_LIMIT_MS));
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    type Message =
      | { ready: true; priority?: number }
      | { entities: ClusterJobResult['entities'] }
      | { ok: true; result: ClusterJobResult }
      | { ok: false; error: string };
    // the thread posts the entities in chunks (see runClusterJob's onEntities), each its own message
    const entities: ClusterJobResult['entities'] = [];
    let threadPriority: number | undefined;
    worker.on('message', (m: Message) => {
      if ('ready' in m) {
        threadPriority = m.priority;
        clearTimeout(timer);
        if (!settled) timer = setTimeout(expire, options.timeoutMs);
        return;
      }
      if ('entities' in m) {
        // one by one: a chunk is bounded, but no array is spread into a call
        for (const e of m.entities) {
          entities.push(e);
          received += resultBytes(e[1].results.json);
        }
        onMemory?.(threadBytes + received);
        return;
      }
      finish(() => {
        worker.terminate().catch(() => undefined);
        if (m.ok) {
          // entities left in the result itself (a thread that does not post chunks) come last
          for (const e of m.result.entities) {
            entities.push(e);
            received += resultBytes(e[1].results.json);
          }
          // the thread is gone; what stays until the save is what it handed over
          onMemory?.(received, true);
          resolve({ ...m.result, entities, ...(threadPriority !== undefined ? { threadPriority } : {}) });
        }
        else reject(new Error(m.error));
      });
    });
    worker.once('error', e => finish(() => reject(e)));
    worker.once('exit', code => finish(() => reject(new Error(`collection worker exited with code ${code}`))));
  });
}

/**
 * The niceness of a collection thread on Linux. At 10 the scheduler gives a thread about a tenth of a
 * core that an event loop at 0 also wants, and all of an idle one: a collection on a busy two-core
 * replica takes longer, and requests are served meanwhile. In the 100k-object benchmark, at 0, the
 * thread's evaluation and the event loop shared the cores with the test server and PostgreSQL.
 */
export const THREAD_NICENESS = 10;

/** how often a running collection's memory is sampled */
export const MEMORY_SAMPLE_MS = 1000;

/** bytes of one entity's results as they arrived: a view of a chunk's buffer, or a string */
function resultBytes(json: string | Uint8Array): number {
  return typeof json === 'string' ? json.length * 2 : json.byteLength;
}

/** how long a thread may take to load its modules before the job's own limit starts */
const STARTUP_LIMIT_MS = 60_000;

function abortError(reason: unknown): Error {
  if (reason instanceof Error && reason.message) return reason;
  const message = (reason as { message?: unknown } | undefined)?.message;
  return new Error(typeof reason === 'string' && reason ? reason : typeof message === 'string' && message ? message : 'collection aborted');
}

let cached: { file: string; jobModule: string; transform?: string } | null | undefined;

const PACKAGE = '@posture-dev/backstage-plugin-posture-backend';

/**
 * Where the thread's entry and the job module are. The entry is a plain JavaScript file shipped in
 * the package's `threads/` folder (not `worker/`: backstage-cli's postpack deletes a folder named
 * like a subpath export); the job module is the package's `./worker` entry point: the built
 * `dist/worker.cjs.js` in an installed package, `src/worker/clusterJob.ts` in this repository, which
 * then needs backstage-cli's transform. Without either there is none, and the caller runs the job in
 * process (and the plugin says so at start-up).
 */
export function workerEntry(): { file: string; jobModule: string; transform?: string } | undefined {
  if (cached !== undefined) return cached ?? undefined;
  cached = findEntry() ?? null;
  return cached ?? undefined;
}

function findEntry(): { file: string; jobModule: string; transform?: string } | undefined {
  let file: string;
  let jobModule: string;
  try {
    file = resolvePackagePath(PACKAGE, 'threads', 'collectionThread.js');
    jobModule = require.resolve(`${PACKAGE}/worker`);
  } catch {
    // a bundler that inlined this package and left its files behind: collections run in process
    return undefined;
  }
  if (!fs.existsSync(file) || !fs.existsSync(jobModule)) return undefined;
  if (!jobModule.endsWith('.ts')) return { file, jobModule };
  try {
    return { file, jobModule, transform: require.resolve('@backstage/cli/config/nodeTransform.cjs') };
  } catch {
    return undefined;
  }
}
