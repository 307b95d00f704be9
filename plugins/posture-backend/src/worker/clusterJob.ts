import { ClusterScorecard, EntityMatch } from '@posture-dev/backstage-plugin-posture-common';
import { Check, EngineConfig, builtInChecks, evaluate } from '@posture-dev/backstage-plugin-posture-node';
import { ClusterConfig } from '../config';
import { createClusterSource } from '../clusters/createSource';
import { ClusterSource } from '../clusters/types';
import { WorkloadLookup, clusterScorecardFor, selectorFor } from '../mapping';
import { SerialisedClusterResults, serialiseClusterResults } from '../store/tallies';

export type { FailingChecks, SerialisedClusterResults } from '../store/tallies';

/** Everything one cluster's collection needs; plain data, so it crosses to a worker thread. */
export interface ClusterJob {
  cluster: ClusterConfig;
  /** the catalog entities that may have workloads in this cluster, by ref and match */
  entities: { entityRef: string; match: EntityMatch }[];
  engine: EngineConfig;
  now: number;
  collectedAt: string;
}

/**
 * One entity's scorecard and results in the job's cluster. The results come serialised, as the
 * store keeps them, with their tally and failing checks: a structured clone of a 100k-object
 * cluster's 1.2 million result objects took the main thread 6 s to deserialize (and its garbage
 * collector as long again), where the same results as strings cross as plain copies.
 */
export interface EntityInCluster {
  scorecard: ClusterScorecard;
  results: SerialisedClusterResults;
}

/**
 * What comes back: only what the store needs per entity, never the snapshot or the engine's whole
 * output, so the one structured clone back to the main thread stays small.
 */
export interface ClusterJobResult {
  cluster: string;
  objects: number;
  objectCounts: Record<string, number>;
  warnings: string[];
  bytesRead?: number;
  /** the niceness the collection thread ran at (Linux; absent in process or when not set) */
  threadPriority?: number;
  /** entity ref → its scorecard in this cluster; only entities with workloads here */
  entities: [string, EntityInCluster][];
}

/**
 * Characters of results JSON per posted chunk. Strings cross as copies, so a chunk costs the
 * receiving thread about a millisecond per few megabytes; the bound keeps each message, and what
 * the receiving side holds at once before the save, small.
 */
export const CHUNK_CHARS = 1024 * 1024;

/**
 * Collects one cluster, evaluates it once and maps the results onto the job's entities. Runs in a
 * worker thread (see runInWorker), or in process when the checks are not all built in.
 */
export async function runClusterJob(
  job: ClusterJob,
  signal: AbortSignal,
  options: {
    checks?: Check[];
    source?: ClusterSource;
    /**
     * Takes the entities in chunks of a bounded size instead of in the result (which then has
     * none): a worker thread posts each chunk as its own message, so the main thread receives a
     * large cluster's results in many small steps instead of one long stall. A chunk's results
     * JSON is UTF-8 in one ArrayBuffer (`transfer`), each entity's a view of it: posted with the
     * buffer in the transfer list it moves to the main thread without a copy, and stays outside
     * the main thread's JavaScript heap (packChunk).
     */
    onEntities?: (chunk: [string, EntityInCluster][], transfer: ArrayBuffer[]) => void;
    /** characters of results JSON per chunk (default CHUNK_CHARS) */
    chunkChars?: number;
  } = {},
): Promise<ClusterJobResult> {
  const source = options.source ?? createClusterSource(job.cluster);
  const snapshot = await source.collect(signal);
  signal.throwIfAborted();
  // a live cluster's own version is the truth for version-dependent checks; the configured one
  // (posture.engine.kubernetesVersion) stands for sources that cannot say (manifests)
  const engine = snapshot.kubernetesVersion ? { ...job.engine, kubernetesVersion: snapshot.kubernetesVersion } : job.engine;
  const output = evaluate(snapshot, options.checks ?? builtInChecks, { config: engine, now: job.now });
  const lookup = new WorkloadLookup(output.workloads);
  const entities: [string, EntityInCluster][] = [];
  let chunk: [string, EntityInCluster][] = [];
  let chunkChars = 0;
  for (const e of job.entities) {
    const sel = selectorFor(e.match);
    if (!sel.selector || !e.match.clusters.includes(source.name)) continue;
    const workloads = lookup.find(sel);
    if (workloads.length === 0) continue;
    const { scorecard, results, tally } = clusterScorecardFor(e.entityRef, source.name, output, workloads, engine, job.collectedAt, job.now);
    const serialised = serialiseClusterResults(results, tally);
    const entity: [string, EntityInCluster] = [e.entityRef, { scorecard, results: serialised }];
    if (!options.onEntities) {
      entities.push(entity);
      continue;
    }
    chunk.push(entity);
    chunkChars += serialised.json.length;
    if (chunkChars >= (options.chunkChars ?? CHUNK_CHARS)) {
      options.onEntities(chunk, [packChunk(chunk)]);
      chunk = [];
      chunkChars = 0;
    }
  }
  if (options.onEntities && chunk.length > 0) options.onEntities(chunk, [packChunk(chunk)]);
  return {
    cluster: source.name,
    objects: snapshot.objects.length,
    objectCounts: snapshot.objectCounts,
    warnings: snapshot.warnings,
    bytesRead: snapshot.bytesRead,
    entities,
  };
}

/**
 * Encodes the results JSON of a chunk's entities into one ArrayBuffer of their own, and replaces
 * each entity's text with its view of it. Held as strings, a 100k-object cluster's results were
 * 380 MB of the main thread's heap during the save; V8 then let the heap grow to nearly three
 * times its live size before collecting, and a replica under load peaked at 2.6 GB.
 */
function packChunk(chunk: [string, EntityInCluster][]): ArrayBuffer {
  let bytes = 0;
  for (const [, e] of chunk) bytes += Buffer.byteLength(e.results.json as string, 'utf8');
  // allocUnsafeSlow: a buffer of its own, never a slice of the shared pool (which cannot be transferred)
  const buffer = Buffer.allocUnsafeSlow(bytes);
  let at = 0;
  for (const [, e] of chunk) {
    const n = buffer.write(e.results.json as string, at, 'utf8');
    e.results = { ...e.results, json: buffer.subarray(at, at + n) };
    at += n;
  }
  return buffer.buffer as ArrayBuffer;
}
