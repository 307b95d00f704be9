import { Check, builtInChecks, resolveEngineConfig } from '@posture-dev/backstage-plugin-posture-node';
import { ClusterConfig } from '../config';
import { ClusterJob, ClusterJobResult, runClusterJob } from '../worker/clusterJob';
import { runInWorker, workerEntry } from '../worker/runInWorker';
import { ClusterSource } from './types';

export type CollectionOutcome =
  | { cluster: string; ok: true; result: ClusterJobResult; durationMs: number }
  | { cluster: string; ok: false; error: string; durationMs: number };

export interface CollectOptions {
  /** the run's signal (the scheduler's): aborting it stops the collection */
  signal?: AbortSignal;
  checks: Check[];
  /** the cluster's config, so a worker thread can build its own source; without it, in process */
  config?: ClusterConfig;
  /** run parsing and evaluation in a worker thread when possible; default true */
  workerThreads?: boolean;
  /** told the collection's memory while it runs in a worker thread (runInWorker's onMemory) */
  onMemory?: (bytes: number, final?: boolean) => void;
}

/** True when every check is a built-in one: a worker thread loads those itself, functions do not cross. */
export function onlyBuiltInChecks(checks: Check[]): boolean {
  const builtIn = new Set(builtInChecks);
  return checks.every(c => builtIn.has(c));
}

/**
 * Collects one cluster under its time limit. In a worker thread (when the checks are the
 * built-in ones and the source came from config) the limit and the signal terminate the thread,
 * stopping even synchronous parsing or evaluation; in process they can only stop the I/O.
 */
export async function collectCluster(
  source: ClusterSource,
  job: ClusterJob,
  options: CollectOptions,
): Promise<CollectionOutcome> {
  const started = Date.now();
  const done = (r: { ok: true; result: ClusterJobResult } | { ok: false; error: string }): CollectionOutcome => ({
    cluster: source.name,
    ...r,
    durationMs: Date.now() - started,
  });
  const inWorker =
    (options.workerThreads ?? true) && options.config !== undefined && onlyBuiltInChecks(options.checks) && workerEntry() !== undefined;
  try {
    if (inWorker) {
      const result = await runInWorker(job, { signal: options.signal, timeoutMs: source.timeoutMs, onMemory: options.onMemory });
      return done({ ok: true, result });
    }
    return done({ ok: true, result: await inProcess(source, job, options) });
  } catch (e) {
    return done({ ok: false, error: e instanceof Error ? e.message : String(e) });
  }
}

async function inProcess(source: ClusterSource, job: ClusterJob, options: CollectOptions): Promise<ClusterJobResult> {
  const controller = new AbortController();
  const onAbort = () => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      // rejected before the abort, so the race reports the timeout rather than the abort it causes
      reject(new Error(`timed out after ${Math.round(source.timeoutMs / 1000)}s`));
      controller.abort();
    }, source.timeoutMs);
  });
  const aborted = new Promise<never>((_, reject) => {
    controller.signal.addEventListener('abort', () => reject(new Error('collection aborted')), { once: true });
  });
  aborted.catch(() => undefined);
  try {
    return await Promise.race([runClusterJob(job, controller.signal, { checks: options.checks, source }), timeout, aborted]);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

/** Collects and evaluates several clusters concurrently, each under its own limit, with no entities to map. */
export function collectAll(sources: ClusterSource[], options: Partial<CollectOptions> = {}): Promise<CollectionOutcome[]> {
  const now = Date.now();
  return Promise.all(
    sources.map(source =>
      collectCluster(
        source,
        { cluster: { type: 'manifests', name: source.name, path: '.' }, entities: [], engine: resolveEngineConfig({}), now, collectedAt: new Date(now).toISOString() },
        { checks: builtInChecks, ...options, config: undefined },
      ),
    ),
  );
}
