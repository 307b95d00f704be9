import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  CheckMetadata,
  CheckOwnerFailures,
  CheckResult,
  CheckSummary,
  ClusterScorecard,
  ClusterStatus,
  EntityScorecard,
  ExemptionEntry,
  Grade,
  GroupRollup,
  HistoryPoint,
  Level,
  OverviewResponse,
  OverviewRow,
  PssLevel,
  RightSizingResponse,
  ScoreTally,
  Scorecard,
  ScoringOptions,
  gradeDrop,
  levelDrop,
  mergeTallies,
  scorecardOf,
  tallyResults,
} from '@posture-dev/backstage-plugin-posture-common';
import { createHash, randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import {
  CompressedJson,
  compressedBody,
  copyOf,
  inflateJson,
  OverviewSnapshot,
  SerialisedBody,
  serialised,
} from './readCache';
import { EntityJson, StoredClusterStatus, arrayElements, entityParts, markOld } from './entityJson';
import { GZIP_HEADER_BYTES, GzipPiece, assembleGzip, piece, pieceSync } from './gzipPieces';
import {
  average,
  distributionOf,
  levelDistribution,
  matchesText,
  quadrantOfRow,
  normaliseOverviewQuery,
  sortRows,
} from './overview';
import {
  ClusterDbRow,
  EntityClusterDbRow,
  EntityDbRow,
  HistoryDbRow,
  OVERVIEW_COLUMNS,
  OverviewDbRow,
  T,
  bool,
  chunk,
  chunkByWeight,
  chunkRows,
  normOptRef,
  normRef,
  num,
  toIso,
  toOverviewRow,
} from './rows';
import { resourceColumns, rightSizingByOwner } from './rightSizing';
import { FailingChecks, addFailing, failingOf, resultsDigest } from './tallies';
import { forEachInTurns } from '../turns';
import { inLockOrder, lockEntities, lockRun, tryLockPrune } from './saveLocks';
import {
  DEFAULT_RETENTION_DAYS,
  GroupRollupOptions,
  HistoryRow,
  OverviewStoreQuery,
  ReadScope,
  Regression,
  RunSummary,
  SaveRunEntity,
  SaveRunInput,
  SaveRunResult,
} from './types';

/** A kept row as combining reads it: its sums, or (written before they were kept) its results. */
interface KeptRow {
  entity_ref: string;
  cluster: string;
  tally: string | null;
  failing: string | null;
  results?: CheckResult[];
}

/** An entity of a run being saved, with its own rows written and its combining still to do. */
interface PreparedEntity {
  ref: string;
  entity: SaveRunEntity;
  /** this run's clusters of the entity */
  fresh: Map<string, ClusterScorecard>;
  /** results of no cluster of this run, kept at entity level */
  unattributed: CheckResult[];
  /**
   * whether this run leaves every row of the entity's own clusters as stored (same content hash, none
   * added or removed): then the entity's combined scorecard, made by whichever save last changed one of
   * its rows, still holds, and only its timestamps move (settleEntities)
   */
  ownRowsUnchanged: boolean;
}

/** ids per `whereIn` */
const WHERE_IN_BATCH = 500;

const migrationsDir = resolvePackagePath(
  '@posture-dev/backstage-plugin-posture-backend',
  'migrations',
);

/**
 * Entities saved per round of queries inside a run's transaction (as many as one `whereIn` takes).
 * Every query of a round waits its turn on an event loop that also serves requests, while the
 * round's entities stay locked: fewer, larger rounds keep a busy replica's saves short.
 */
const ENTITY_BATCH = WHERE_IN_BATCH;
/** rows per multi-row insert, well under SQLite's and PostgreSQL's bind-parameter limits */
const INSERT_BATCH = 200;
/**
 * Bytes of values per insert statement, at most (but one row). 200 rows of a large cluster's results
 * are several MB, serialised in one piece: stalls of up to ~180 ms in the 100k-object bench's
 * profile. A MiB costs a few ms, and a round trip.
 */
const INSERT_BYTES = 1024 * 1024;
/** Cluster rows read and built into scorecards at once, about (an entity's rows are never split). */
const LOAD_CLUSTER_ROWS = 50;
/** The entity-cluster columns a scorecard is built from (entityParts), its results read apart (entityBodiesOf) */
const ENTITY_CLUSTER_COLUMNS = [
  'entity_ref',
  'cluster',
  'collected_at',
  'stale',
  'error',
  'workloads',
  'scorecard',
  'resources',
  'results_token',
  'shared_with',
] as const satisfies readonly (keyof EntityClusterDbRow)[];
/** Cache misses whose entity rows one query reads (loadEntity); their cluster rows follow in groups. */
const LOAD_BATCH = 50;
/**
 * Scorecards (and known-absent refs) kept per data version, at most; the byte bound usually binds
 * first. Enough for every entity of a large catalog: with fewer, reads spread over the catalog
 * mostly missed, and each miss read the database while collections were writing to it.
 */
const MAX_CACHED_ENTITIES = 100_000;
const DEFAULT_ENTITY_CACHE_BYTES = 64 * 1024 * 1024;

const DAY_MS = 86_400_000;

const SEVERITY_RANK: Record<string, number> = {
  critical: 0,
  high: 1,
  medium: 2,
  low: 3,
};

export interface PostureStoreOptions {
  /** the active check catalog, for titles in group rollups */
  checks?: CheckMetadata[];
  /** for tests: the time used for `versionTtlMs` */
  clock?: () => Date;
  /**
   * How long a data version read from the database is trusted before it is read again
   * (default 1000). Writes through this store invalidate at once; only a run saved by another
   * backend replica can take up to this long to show. 0 reads the version on every request.
   */
  versionTtlMs?: number;
  /**
   * Bytes of entity scorecards kept per data version, counted as kept: gzipped (default 64 MiB,
   * about 20,000 scorecards of an entity in one cluster). A scorecard grows with its entity's
   * clusters: an entity in 30 clusters is about 0.6 MB of JSON, so a cache bounded by count only
   * held gigabytes.
   */
  entityCacheBytes?: number;
}

/** The score columns of an entity, compared to tell whether a run changed them. */
interface ScoreColumns {
  scalability: number | null;
  security: number | null;
  overall: number | null;
  grade: Grade | null;
  scalability_grade: Grade | null;
  security_grade: Grade | null;
  level: Level | null;
  pss_level: PssLevel | null;
}

function scoreColumns(card: Scorecard | null): ScoreColumns {
  return {
    scalability: card?.scores.scalability ?? null,
    security: card?.scores.security ?? null,
    overall: card?.overall ?? null,
    grade: card?.grades.overall ?? null,
    scalability_grade: card?.grades.scalability ?? null,
    security_grade: card?.grades.security ?? null,
    level: card?.level ?? null,
    pss_level: card?.pssLevel ?? null,
  };
}

/** The key of an entity's row per cluster in the maps of one save. */
function rowKey(ref: string, cluster: string): string {
  return `${ref}\u0000${cluster}`;
}

/**
 * A hash of what a save writes into a row, apart from when it was collected: equal hashes mean the save
 * would write the same row. The results (the large part) count by their digest (`resultsDigest`).
 */
function contentHash(content: Record<string, unknown>, digest: string): string {
  return createHash('sha256').update(JSON.stringify(content)).update('\u0000').update(digest).digest('hex');
}

type ScoreLike = {
  scalability: number | string | null;
  security: number | string | null;
  overall: number | string | null;
  grade: string | null;
  level: string | null;
  pss_level: string | null;
};

/** The values history tracks: the three scores, the grade, the level and the PSS level. */
function sameScores(a: ScoreLike, b: ScoreLike): boolean {
  return (
    num(a.scalability) === num(b.scalability) &&
    num(a.security) === num(b.security) &&
    num(a.overall) === num(b.overall) &&
    a.grade === b.grade &&
    a.level === b.level &&
    a.pss_level === b.pss_level
  );
}

/**
 * Posture's storage: scorecards per entity and per (entity, cluster), cluster
 * statuses, score history and run locks, on any Knex database Backstage
 * supports for plugins (tested on SQLite and PostgreSQL).
 */
export class PostureStore {
  private readonly checks: CheckMetadata[];
  private readonly isPostgres: boolean;
  /** bumped by every write through this store, so its own reads never see older data */
  private generation = 0;
  private versionInFlight?: { generation: number; promise: Promise<string> };
  private versionRead?: { generation: number; at: number; version: string };
  private readonly versionTtlMs: number;
  private readonly clock: () => Date;
  private snapshot?: { version: string; promise: Promise<OverviewSnapshot> };
  private entityCache: EntityCache = { version: '', cards: new Map(), bytes: 0 };
  /**
   * The cache of the data version before, kept until the next: its scorecards' results pieces are
   * reused under their tokens (entityBodiesOf), so a read after a save compresses only what changed.
   * It shares the byte budget with the current cache, and gives way first (evictEntities).
   */
  private previousEntityCache?: EntityCache;
  /** cache misses waiting to be loaded together (loadEntity), by normalised ref */
  private pendingLoads?: Map<string, PendingLoad[]>;
  private readonly entityCacheBytes: number;
  private exemptionsCache?: { version: string; promise: Promise<ExemptionEntry[]> };
  private sharedCache?: { version: string; promise: Promise<Map<string, string[]>> };
  private failuresCache?: {
    version: string;
    promise: Promise<Map<string, string[]>>;
  };

  static async create(
    options: {
      database: DatabaseService;
      skipMigrations?: boolean;
    } & PostureStoreOptions,
  ): Promise<PostureStore> {
    const { database, skipMigrations, ...rest } = options;
    const client = await database.getClient();
    return PostureStore.fromKnex(client, {
      ...rest,
      skipMigrations: skipMigrations || database.migrations?.skip,
    });
  }

  /** Builds a store on a Knex instance, running the migrations unless told not to. */
  static async fromKnex(
    db: Knex,
    options: PostureStoreOptions & { skipMigrations?: boolean } = {},
  ): Promise<PostureStore> {
    if (!options.skipMigrations) {
      await db.migrate.latest({ directory: migrationsDir });
    }
    return new PostureStore(db, options);
  }

  constructor(private readonly db: Knex, options: PostureStoreOptions = {}) {
    const clock = options.clock ?? (() => new Date());
    this.clock = clock;
    this.versionTtlMs = options.versionTtlMs ?? 1000;
    this.entityCacheBytes = options.entityCacheBytes ?? DEFAULT_ENTITY_CACHE_BYTES;
    this.checks = options.checks ?? [];
    this.isPostgres = /^(pg|postgres)/.test(String(db.client.config.client));
  }

  // ---------------------------------------------------------------- writes

  /**
   * Saves one collection run. The input is checked whole before anything is written; the run is
   * then saved one entity batch per transaction (saveRunInBatches), so a run of up to 500
   * entities is all or nothing, and a larger one that fails part-way leaves every entity either
   * saved whole or as it was.
   */
  async saveRun(input: SaveRunInput): Promise<SaveRunResult> {
    const startedAt = toIso(input.startedAt, 'startedAt');
    const finishedAt = toIso(input.finishedAt, 'finishedAt');
    const retentionDays = input.retentionDays ?? DEFAULT_RETENTION_DAYS;
    if (!Number.isFinite(retentionDays) || retentionDays <= 0) {
      throw new InputError(
        `retentionDays must be a positive number, got ${retentionDays}`,
      );
    }
    const cutoff = new Date(
      Date.parse(finishedAt) - retentionDays * DAY_MS,
    ).toISOString();
    if (
      !Array.isArray(input.entities) ||
      !Array.isArray(input.clusterStatuses)
    ) {
      throw new InputError('saveRun needs entities and clusterStatuses arrays');
    }
    const seen = new Set<string>();
    // in turns: a large run's entities are checked on the main thread, before the first batch
    await forEachInTurns(input.entities, e => {
      if (typeof e?.entityRef !== 'string' || !e.entityRef) {
        throw new InputError('Every entity needs an entityRef');
      }
      const ref = normRef(e.entityRef);
      if (seen.has(ref))
        throw new InputError(`Entity ${ref} appears twice in one run`);
      seen.add(ref);
      checkEntityShape(ref, e);
    });
    const removed = [...new Set((input.removedEntityRefs ?? []).map(normRef))];
    const both = removed.find(r => seen.has(r));
    if (both)
      throw new InputError(
        `Entity ${both} is both saved and removed in one run`,
      );
    const statusNames = new Set<string>();
    for (const s of input.clusterStatuses) {
      if (statusNames.has(s.name)) {
        throw new InputError(`Cluster ${s.name} has two statuses in one run`);
      }
      statusNames.add(s.name);
    }
    const succeeded = [
      ...new Set(
        input.clusterStatuses.filter(s => s.error === null).map(s => s.name),
      ),
    ];

    try {
      return await this.saveRunInBatches(input, {
        succeeded,
        finishedAt,
        startedAt,
        cutoff,
        removed,
      });
    } finally {
      this.invalidate();
    }
  }

  /** Drops every cached read; the next read checks the data version again. */
  private invalidate() {
    this.generation++;
    this.versionInFlight = undefined;
    this.versionRead = undefined;
    this.snapshot = undefined;
    this.failuresCache = undefined;
    this.replaceEntityCache('');
  }

  /** A new entity cache for `version`; the last one's results pieces stay reusable until the next. */
  private replaceEntityCache(version: string) {
    if (this.entityCache.cards.size > 0) this.previousEntityCache = this.entityCache;
    this.entityCache = { version, cards: new Map(), bytes: 0 };
  }

  /**
   * Saves a run one entity batch per transaction. Each transaction writes the batch's own rows,
   * then locks the batch's entities and combines them, and commits: the locks are held for one
   * batch, not for the whole run. Saves that share every entity (every entity in every cluster)
   * then pass through the batches one behind the other instead of queueing for the whole save.
   * The first transaction also removes what the run removes; the last one records the cluster
   * statuses, prunes, and adds the run row, which changes the data version. A save that fails
   * part-way keeps the batches it committed, each entity whole (its rows and its combined score
   * agree); the rest keep their previous data until the next run.
   */
  private async saveRunInBatches(
    input: SaveRunInput,
    ctx: {
      succeeded: string[];
      finishedAt: string;
      startedAt: string;
      cutoff: string;
      removed: string[];
    },
  ): Promise<SaveRunResult> {
    const { succeeded, finishedAt, startedAt, cutoff, removed } = ctx;
    const result: SaveRunResult = { changed: [], regressions: [] };
    const deferHistory = new Set<string>();
    // in lock order (saveLocks.ts): each batch's entity locks come after the ones already released
    const ordered = this.isPostgres ? inLockOrder(input.entities, e => normRef(e.entityRef)) : input.entities;
    const batches = chunk(ordered, ENTITY_BATCH);
    // a run with no entities still records its statuses, removals and run row
    if (batches.length === 0) batches.push([]);

    for (const [i, batch] of batches.entries()) {
      const first = i === 0;
      const last = i === batches.length - 1;
      await this.db.transaction(async trx => {
        // runs of different clusters, saved by different replicas, each combine their fresh rows
        // with the others' kept rows: saves that share an entity combine it one after the other,
        // the later one reading the earlier's rows (saveLocks.ts; SQLite serialises writers anyway)
        if (this.isPostgres) {
          await lockRun(trx, first && (removed.length > 0 || (input.removedClusters ?? []).length > 0));
        }
        if (first) await this.startRun(trx, input, removed, deferHistory);
        // this run's own rows (entity and cluster) first, which no other cluster's save writes: no
        // entity lock is needed, so saves of different clusters write them side by side
        const prepared = await this.writeOwnRows(trx, batch, { succeeded, scoring: input.scoring });
        // entities this run leaves as stored need no lock and no combining
        const { toCombine, settled, entityHashes } = await this.settleEntities(trx, prepared, {
          finishedAt,
          cutoff,
          scoring: input.scoring,
          deferHistory,
          // a run that removes clusters or entities changes what other entities combine from
          recombineAll: removed.length > 0 || (input.removedClusters ?? []).length > 0,
        });
        // then each other entity is combined, under its lock, with the rows other clusters' runs keep
        if (this.isPostgres) await lockEntities(trx, toCombine.map(p => p.ref));
        await this.combineEntityBatch(trx, toCombine, {
          succeeded,
          finishedAt,
          cutoff,
          scoring: input.scoring,
          result,
          deferHistory,
          entityHashes,
        });
        // after every lock this transaction waits for: see touchSettled
        await this.touchSettled(trx, settled, finishedAt);
        if (!last) await bumpDataVersion(trx);
        if (last) {
          // in name order: two saves upserting the same statuses never wait on each other in a
          // cycle, and after every entity lock this transaction takes
          const statusRows = input.clusterStatuses
            .map(clusterStatusRow)
            .sort((a, b) => compareText(a.name, b.name));
          for (const rows of chunk(statusRows, INSERT_BATCH)) {
            await trx(T.clusters).insert(rows).onConflict('name').merge();
          }
          // one save prunes at a time; the others leave it to the next (an exclusive save is alone anyway)
          if (!this.isPostgres || (await tryLockPrune(trx))) {
            await trx(T.history).where('at', '<', cutoff).delete();
            await trx(T.runs).where('finished_at', '<', cutoff).delete();
          }
          await trx(T.runs).insert({
            started_at: startedAt,
            finished_at: finishedAt,
            entities: input.entities.length,
            changed: result.changed.length,
            regressions: result.regressions.length,
          });
          // the transaction's last statement: its row lock is held only until the commit
          await bumpDataVersion(trx);
        }
      });
    }

    if (ordered !== input.entities) {
      // reported in the caller's order, whatever order the locks needed
      const at = new Map(input.entities.map((e, i) => [normRef(e.entityRef), i]));
      result.changed.sort((a, b) => at.get(a)! - at.get(b)!);
      result.regressions.sort((a, b) => at.get(a.entityRef)! - at.get(b.entityRef)!);
    }
    return result;
  }

  /**
   * The first transaction's own work: removes the run's removed clusters and entities, and finds
   * the entities whose history waits for a cluster never tried.
   */
  private async startRun(
    trx: Knex.Transaction,
    input: SaveRunInput,
    removed: string[],
    deferHistory: Set<string>,
  ): Promise<void> {
    for (const names of chunk(
      [...new Set(input.removedClusters ?? [])],
      WHERE_IN_BATCH,
    )) {
      await trx(T.clusters).whereIn('name', names).delete();
      await trx(T.entityClusters).whereIn('cluster', names).delete();
    }
    for (const refs of chunk(removed, WHERE_IN_BATCH)) {
      for (const table of [
        T.entities,
        T.entityClusters,
        T.failures,
        T.history,
      ]) {
        await trx(table).whereIn('entity_ref', refs).delete();
      }
    }
    if (input.historyWaitsFor) {
      // this run's clusters count as tried: their statuses are written by its last transaction
      const attempted = new Set(input.clusterStatuses.map(c => c.name));
      for (const r of await trx(T.clusters).select('name')) attempted.add(r.name as string);
      for (const [ref, clusters] of Object.entries(input.historyWaitsFor)) {
        if (clusters.some(c => !attempted.has(c))) deferHistory.add(normRef(ref));
      }
    }
  }

  /**
   * Writes the rows of an entity batch that belong to this run alone: each entity's row per cluster
   * of this run, with its results and sums. Another cluster's run never writes them, so this takes
   * no entity lock; rows of clusters not in this run are left for combineEntityBatch to read.
   */
  private async writeOwnRows(
    trx: Knex.Transaction,
    batch: SaveRunEntity[],
    ctx: { succeeded: string[]; scoring?: ScoringOptions },
  ): Promise<PreparedEntity[]> {
    const refs = batch.map(e => normRef(e.entityRef));
    const prepared: PreparedEntity[] = [];
    const clusterRows: Record<string, unknown>[] = [];
    /** each row's entity and cluster, and its content hash */
    const rowKeys: { ref: string; cluster: string; hash: string; collectedAt: string }[] = [];
    for (const e of batch) {
      const ref = normRef(e.entityRef);
      // checked by saveRun before the first batch (checkEntityShape)
      const fresh = new Map<string, ClusterScorecard>(e.clusters.map(c => [c.cluster, c]));
      const perCluster = new Map<string, CheckResult[]>();
      const unattributed: CheckResult[] = [];
      const only = e.clusters.length === 1 ? e.clusters[0].cluster : undefined;
      for (const r of e.results) {
        const c = r.cluster ?? only;
        if (c !== undefined && fresh.has(c)) pushTo(perCluster, c, r);
        else unattributed.push(r);
      }
      for (const c of e.clusters) {
        const fromThread = e.serialised?.[c.cluster];
        const results = perCluster.get(c.cluster) ?? [];
        const collectedAt = toIso(c.collectedAt, `collectedAt of ${ref} in ${c.cluster}`);
        const content = {
          stale: Boolean(c.stale),
          error: c.error ?? null,
          workloads: JSON.stringify(c.workloads ?? []),
          scorecard: JSON.stringify(c.scorecard),
          ...(fromThread
            ? {
                // made by the collection thread, under the run's scoring options
                results: this.jsonColumn(fromThread.json),
                tally: ctx.scoring ? JSON.stringify(fromThread.tally) : null,
                failing: JSON.stringify(fromThread.failing),
              }
            : {
                results: JSON.stringify(results),
                tally: ctx.scoring
                  ? JSON.stringify(tallyResults(results, ctx.scoring))
                  : null,
                failing: JSON.stringify(Object.fromEntries(failingOf(results))),
              }),
          ...resourceColumns(c.resources),
        };
        const { results: resultsColumn, ...rest } = content;
        const sharedWith = sharedWithColumn(c.sharedWith);
        // hashed only when set, so that rows without claims keep the hashes stored before the column
        const hash = contentHash(
          sharedWith === null ? rest : { ...rest, shared_with: sharedWith },
          fromThread?.digest ?? resultsDigest(resultsColumn),
        );
        rowKeys.push({ ref, cluster: c.cluster, hash, collectedAt });
        clusterRows.push({
          entity_ref: ref,
          cluster: c.cluster,
          collected_at: collectedAt,
          ...content,
          shared_with: sharedWith,
          content_hash: hash,
          // new with every write of the results: replicas reuse their compressed results under it
          results_token: randomUUID(),
        });
      }
      prepared.push({ ref, entity: e, fresh, unattributed, ownRowsUnchanged: false });
    }

    // the rows this batch may replace or remove (its clusters' and the run's good clusters'), as stored
    const touched = [...new Set([...rowKeys.map(k => k.cluster), ...ctx.succeeded])];
    const storedRows: { entity_ref: string; cluster: string; content_hash: string | null }[] = [];
    for (const part of chunk(touched, WHERE_IN_BATCH)) {
      for (const r of await trx(T.entityClusters)
        .select('entity_ref', 'cluster', 'content_hash')
        .whereIn('entity_ref', refs)
        .whereIn('cluster', part)) {
        storedRows.push(r);
      }
    }
    const stored = new Map(storedRows.map(r => [rowKey(r.entity_ref, r.cluster), r.content_hash]));
    const unchanged = new Set<string>();
    for (const k of rowKeys) {
      const key = rowKey(k.ref, k.cluster);
      if (stored.get(key) === k.hash) unchanged.add(key);
    }
    const succeeded = new Set(ctx.succeeded);
    // an entity without annotations has no workloads anywhere, not even in a failing cluster: its rows go
    const unmapped = batch
      .filter(e => e.state === 'no-annotations')
      .map(e => normRef(e.entityRef));
    const unmappedWithRows = new Set<string>();
    for (const part of chunk(unmapped, WHERE_IN_BATCH)) {
      for (const r of await trx(T.entityClusters).distinct('entity_ref').whereIn('entity_ref', part)) {
        unmappedWithRows.add(r.entity_ref);
      }
    }
    for (const p of prepared) {
      if (p.entity.state === 'no-annotations') {
        // one with no rows left (most of a catalog's entities, in every run of every cluster) is as stored
        p.ownRowsUnchanged = !unmappedWithRows.has(p.ref);
        continue;
      }
      const mine = new Set(p.entity.clusters.map(c => c.cluster));
      p.ownRowsUnchanged =
        p.entity.clusters.every(c => unchanged.has(rowKey(p.ref, c.cluster))) &&
        // no stored row of a good cluster of this run that this run no longer has (it is removed below)
        ![...succeeded].some(c => !mine.has(c) && stored.has(rowKey(p.ref, c)));
    }

    for (const part of chunk([...unmappedWithRows], WHERE_IN_BATCH)) {
      const rows = trx(T.entityClusters).whereIn('entity_ref', part);
      if (this.isPostgres) {
        // these rows belong to other clusters' runs; one being written now (by a run that read the
        // catalog before the annotations went) is skipped, not waited for: that run may itself be
        // waiting for a row this one wrote or deleted, and the two for each other. The next run
        // that finds the entity unmapped removes it.
        await trx(T.entityClusters)
          .whereIn(['entity_ref', 'cluster'], rows.clone().select('entity_ref', 'cluster').forUpdate().skipLocked())
          .delete();
      } else {
        await rows.delete();
      }
    }
    // a good cluster's rows of these entities that this run no longer has go; the rest are replaced below
    const written = new Set(rowKeys.map(k => rowKey(k.ref, k.cluster)));
    const gone = storedRows
      .filter(r => succeeded.has(r.cluster) && !written.has(rowKey(r.entity_ref, r.cluster)))
      .map(r => [r.entity_ref, r.cluster]);
    for (const part of chunk(gone, WHERE_IN_BATCH)) {
      await trx(T.entityClusters).whereIn(['entity_ref', 'cluster'], part).delete();
    }
    // rows that hash as stored keep their results (and token, so replicas keep their compressed copies):
    // only when they were collected moves, per cluster and time
    const moved = new Map<string, { cluster: string; collectedAt: string; refs: string[] }>();
    for (const k of rowKeys) {
      if (!unchanged.has(rowKey(k.ref, k.cluster))) continue;
      const group = `${k.cluster}\u0000${k.collectedAt}`;
      let g = moved.get(group);
      if (!g) moved.set(group, (g = { cluster: k.cluster, collectedAt: k.collectedAt, refs: [] }));
      g.refs.push(k.ref);
    }
    for (const g of moved.values()) {
      for (const part of chunk(g.refs, WHERE_IN_BATCH)) {
        await trx(T.entityClusters)
          .where('cluster', g.cluster)
          .whereIn('entity_ref', part)
          .update({ collected_at: g.collectedAt });
      }
    }
    const changedRows = clusterRows.filter(r => !unchanged.has(rowKey(r.entity_ref as string, r.cluster as string)));
    for (const rows of chunkRows(changedRows, INSERT_BATCH, INSERT_BYTES)) {
      // a row for a cluster that did not succeed but that the caller rescored anyway replaces the kept one
      await trx(T.entityClusters)
        .insert(rows)
        .onConflict(['entity_ref', 'cluster'])
        .merge();
    }
    return prepared;
  }

  /**
   * Results JSON as the driver takes it. UTF-8 bytes go to PostgreSQL as they are: a binary
   * parameter of a text column is read as text, so the bytes a collection thread made are never
   * decoded into a string on the main thread. Other drivers would store bytes as a blob.
   */
  private jsonColumn(json: string | Uint8Array): string | Buffer {
    if (typeof json === 'string') return json;
    const bytes = Buffer.from(json.buffer, json.byteOffset, json.byteLength);
    return this.isPostgres ? bytes : bytes.toString('utf8');
  }

  /**
   * Finds the entities of a batch this run leaves as stored (settled; touchSettled moves their `updated_at`),
   * and returns them and the others, to be locked and combined, with every entity's hash. An entity is settled when its
   * own rows hash as stored (writeOwnRows), its catalog fields, unattributed results, selector and the scoring
   * options hash as its row's, combining would give it its stored state (combinedStateStands), and it has no
   * scorecard or its last history point is its stored score and not about to be pruned.
   * Its combined scorecard, failing checks and history then stand as the last save that changed one of its
   * rows left them: that save combined it, under the entity's lock, with every row this run leaves as it
   * is. So the decision needs no lock, and a settled entity never waits for another save's batch. In a
   * steady fleet of 30 clusters, each run of each cluster locked and recombined all of its entities before.
   */
  private async settleEntities(
    trx: Knex.Transaction,
    batch: PreparedEntity[],
    ctx: {
      finishedAt: string;
      cutoff: string;
      scoring?: ScoringOptions;
      deferHistory?: Set<string>;
      recombineAll?: boolean;
    },
  ): Promise<{ toCombine: PreparedEntity[]; settled: string[]; entityHashes: Map<string, string> }> {
    const entityHashes = new Map<string, string>();
    const candidates = batch.filter(p => p.ownRowsUnchanged && !ctx.recombineAll && !ctx.deferHistory?.has(p.ref));
    const previous = new Map<string, ScoreLike & { content_hash: string | null; state: string; uncombined: number | string }>();
    const lastPoints = new Map<string, HistoryDbRow>();
    if (candidates.length > 0) {
      const candidateRefs = candidates.map(p => p.ref);
      const prevRows = await trx(T.entities)
        .select('entity_ref', 'scalability', 'security', 'overall', 'grade', 'level', 'pss_level', 'content_hash', 'state')
        .select(this.db.raw('case when combined is null then 1 else 0 end as uncombined'))
        .whereIn('entity_ref', candidateRefs);
      for (const r of prevRows) previous.set(r.entity_ref, r);
      const pointRows: HistoryDbRow[] = await trx(T.history).whereIn(
        'id',
        trx(T.history).max('id').whereIn('entity_ref', candidateRefs).groupBy('entity_ref'),
      );
      for (const p of pointRows) lastPoints.set(p.entity_ref, p);
    }
    const settled: string[] = [];
    const toCombine: PreparedEntity[] = [];
    for (const p of batch) {
      const e = p.entity;
      const hash = contentHash({
        entity: [
          e.kind,
          e.namespace,
          e.name,
          e.title ?? null,
          normOptRef(e.owner),
          normOptRef(e.system),
          e.lifecycle ?? null,
          e.match ?? null,
          // not the run's state: an entity with workloads in some clusters only is 'scored' in their
          // runs and 'no-workloads' in the others', and hashing it made every run recombine it
          ctx.scoring ?? null,
        ],
      }, resultsDigest(JSON.stringify(p.unattributed)));
      entityHashes.set(p.ref, hash);
      const prev = previous.get(p.ref);
      const last = lastPoints.get(p.ref);
      const isSettled =
        prev !== undefined &&
        prev.content_hash === hash &&
        combinedStateStands(e.state, prev.state, ctx.scoring !== undefined) &&
        // an entity with no scorecard (no annotations, or no workloads in any cluster) has no history to
        // keep current; otherwise its last point is its score and is not about to be pruned
        (Number(prev.uncombined) === 1 || (last !== undefined && last.at >= ctx.cutoff && sameScores(last, prev)));
      if (isSettled) settled.push(p.ref);
      else toCombine.push(p);
    }
    return { toCombine, settled, entityHashes };
  }

  /**
   * Moves the settled entities' `updated_at`. It runs after the batch's entity locks and combining, and
   * skips a row another transaction holds: such a save is writing that entity itself. Taken where the
   * entities are settled, these row locks were held while the batch waited for the locks of the entities
   * it combines; another save holding one of those and writing a settled entity then waited for this one,
   * and PostgreSQL ended one of the two saves as a deadlock.
   */
  private async touchSettled(trx: Knex.Transaction, settled: string[], finishedAt: string): Promise<void> {
    for (const part of chunk(settled, WHERE_IN_BATCH)) {
      const rows = trx(T.entities).whereIn('entity_ref', part);
      if (this.isPostgres) {
        await trx(T.entities)
          .whereIn('entity_ref', rows.clone().select('entity_ref').forUpdate().skipLocked())
          .update({ updated_at: finishedAt });
      } else {
        await rows.update({ updated_at: finishedAt });
      }
    }
  }

  /**
   * Combines each entity of a batch (locked by the caller on PostgreSQL) from this run's results and
   * the rows other clusters' runs keep, and writes its scorecard, failing checks and history.
   */
  private async combineEntityBatch(
    trx: Knex.Transaction,
    batch: PreparedEntity[],
    ctx: {
      succeeded: string[];
      finishedAt: string;
      cutoff: string;
      scoring?: ScoringOptions;
      result: SaveRunResult;
      deferHistory?: Set<string>;
      entityHashes: Map<string, string>;
    },
  ): Promise<void> {
    if (batch.length === 0) return;
    const refs = batch.map(p => p.ref);

    const previous = new Map<
      string,
      ScoreLike & { last_changed_at: string | null }
    >();
    const prevRows = await trx(T.entities)
      .select(
        'entity_ref',
        'scalability',
        'security',
        'overall',
        'grade',
        'level',
        'pss_level',
        'last_changed_at',
      )
      .whereIn('entity_ref', refs);
    for (const r of prevRows) previous.set(r.entity_ref, r);

    const lastPoints = new Map<string, HistoryDbRow>();
    const pointRows: HistoryDbRow[] = await trx(T.history).whereIn(
      'id',
      trx(T.history)
        .max('id')
        .whereIn('entity_ref', refs)
        .groupBy('entity_ref'),
    );
    for (const p of pointRows) lastPoints.set(p.entity_ref, p);

    // rows of clusters not collected in this run hold their last good data: keep them. Combining
    // reads their tallies and failing checks, not their results: an entity in 30 clusters would
    // otherwise have 29 clusters' results read and parsed on every run of every cluster
    const keptQuery = trx<EntityClusterDbRow>(T.entityClusters)
      .select('entity_ref', 'cluster', 'tally', 'failing')
      .whereIn('entity_ref', refs);
    if (ctx.succeeded.length) keptQuery.whereNotIn('cluster', ctx.succeeded);
    const kept = new Map<string, KeptRow[]>();
    const untallied: KeptRow[] = [];
    for (const row of (await keptQuery) as KeptRow[]) {
      pushTo(kept, row.entity_ref, row);
      if (!row.tally || !row.failing) untallied.push(row);
    }
    // rows written before tallies were kept are read the old way, until this run rewrites them
    if (untallied.length > 0) {
      const byKey = new Map(untallied.map(r => [`${r.entity_ref}\u0000${r.cluster}`, r]));
      for (const part of chunk([...new Set(untallied.map(r => r.entity_ref))], WHERE_IN_BATCH)) {
        const q = trx<EntityClusterDbRow>(T.entityClusters)
          .select('entity_ref', 'cluster', 'results')
          .whereIn('entity_ref', part);
        if (ctx.succeeded.length) q.whereNotIn('cluster', ctx.succeeded);
        for (const r of await q) {
          const row = byKey.get(`${r.entity_ref}\u0000${r.cluster}`);
          if (row) row.results = JSON.parse(r.results) as CheckResult[];
        }
      }
    }

    const failureRows: Record<string, unknown>[] = [];
    const historyRows: Record<string, unknown>[] = [];
    const entityRows: Record<string, unknown>[] = [];

    for (const { ref, entity: e, fresh, unattributed } of batch) {
      // this run's own rows (written by writeOwnRows) are the fresh ones, never kept
      const keptRows =
        e.state === 'no-annotations'
          ? []
          : (kept.get(ref) ?? []).filter(k => !fresh.has(k.cluster));
      // the combined score and failing checks: this run's results plus the kept rows' stored sums
      let combined = e.combined;
      if (keptRows.length && ctx.scoring) {
        let tally = tallyResults(e.results, ctx.scoring);
        for (const c of fresh.keys()) {
          const fromThread = e.serialised?.[c];
          if (fromThread) tally = mergeTallies(tally, fromThread.tally);
        }
        for (const k of keptRows) {
          tally = mergeTallies(
            tally,
            k.tally
              ? (JSON.parse(k.tally) as ScoreTally)
              : tallyResults(k.results ?? [], ctx.scoring),
          );
        }
        combined = scorecardOf(tally);
      }
      const state =
        e.state === 'no-workloads' && keptRows.length > 0 && combined !== null
          ? 'scored'
          : e.state;

      const failing = failingOf(e.results);
      for (const c of fresh.keys()) {
        const fromThread = e.serialised?.[c];
        if (fromThread) addFailing(failing, fromThread.failing);
      }
      for (const k of keptRows) {
        if (k.failing) addFailing(failing, JSON.parse(k.failing) as FailingChecks);
        else failingOf(k.results ?? [], failing);
      }
      for (const [checkId, f] of failing)
        failureRows.push({ entity_ref: ref, check_id: checkId, ...f });

      const scores = scoreColumns(combined);
      const prev = previous.get(ref);
      const changed = prev ? !sameScores(prev, scores) : combined !== null;
      if (changed) ctx.result.changed.push(ref);

      const last = lastPoints.get(ref);
      // a last point about to be pruned is replaced, so history always shows the current value
      if (
        combined !== null &&
        !ctx.deferHistory?.has(ref) &&
        (!last || last.at < ctx.cutoff || !sameScores(last, scores))
      ) {
        let regression: HistoryPoint['regression'] = null;
        if (last) {
          const from = {
            grade: last.grade as Grade | null,
            level: last.level as Level,
          };
          const to = { grade: combined.grades.overall, level: combined.level };
          if (
            gradeDrop(from.grade, to.grade) > 0 ||
            levelDrop(from.level, to.level) > 0
          ) {
            regression = { from, to };
            const r: Regression = {
              entityRef: ref,
              owner: normOptRef(e.owner),
              from,
              to,
            };
            ctx.result.regressions.push(r);
          }
        }
        historyRows.push({
          entity_ref: ref,
          // never before the last point: the last point is found by id, history is read in time order,
          // and a replica whose clock is behind would otherwise put the newest score in the middle
          at: last && last.at > ctx.finishedAt ? last.at : ctx.finishedAt,
          scalability: scores.scalability,
          security: scores.security,
          overall: scores.overall,
          grade: scores.grade,
          level: combined.level,
          pss_level: combined.pssLevel,
          regression: regression ? JSON.stringify(regression) : null,
        });
      }

      const clusterNames = [
        ...new Set([...fresh.keys(), ...keptRows.map(k => k.cluster)]),
      ].sort();
      entityRows.push({
        entity_ref: ref,
        kind: e.kind,
        namespace: e.namespace,
        name: e.name,
        title: e.title ?? null,
        owner: normOptRef(e.owner),
        system: normOptRef(e.system),
        lifecycle: e.lifecycle ?? null,
        clusters: JSON.stringify(clusterNames),
        state,
        ...scores,
        match: JSON.stringify(e.match ?? null),
        combined: combined ? JSON.stringify(combined) : null,
        results: JSON.stringify(unattributed),
        content_hash: ctx.entityHashes.get(ref),
        updated_at: ctx.finishedAt,
        last_changed_at: changed
          ? ctx.finishedAt
          : prev?.last_changed_at ?? null,
      });
    }

    await this.writeFailures(trx, refs, failureRows);
    for (const rows of chunk(historyRows, INSERT_BATCH))
      await trx(T.history).insert(rows);
    for (const rows of chunkRows(entityRows, INSERT_BATCH, INSERT_BYTES)) {
      await trx(T.entities).insert(rows).onConflict('entity_ref').merge();
    }
  }

  /**
   * Makes the failure rows of `refs` equal `rows`, writing only what changed. With a task per
   * cluster, every cluster's run recombines every entity that lives there; deleting and inserting
   * all their rows each time left PostgreSQL with millions of dead rows in a fleet of 30 clusters,
   * and its deletes slowed to minutes while holding the save lock.
   */
  private async writeFailures(
    trx: Knex.Transaction,
    refs: string[],
    rows: Record<string, unknown>[],
  ): Promise<void> {
    const key = (ref: unknown, checkId: unknown) => `${ref}\u0000${checkId}`;
    const wanted = new Map(rows.map(r => [key(r.entity_ref, r.check_id), r]));
    const gone: [string, string][] = [];
    const existing: { entity_ref: string; check_id: string; severity: string; pillar: string; failing: number | string }[] =
      await trx(T.failures).select('entity_ref', 'check_id', 'severity', 'pillar', 'failing').whereIn('entity_ref', refs);
    for (const e of existing) {
      const k = key(e.entity_ref, e.check_id);
      const w = wanted.get(k);
      if (!w) gone.push([e.entity_ref, e.check_id]);
      else if (w.severity === e.severity && w.pillar === e.pillar && Number(w.failing) === Number(e.failing)) wanted.delete(k);
    }
    for (const part of chunk(gone, WHERE_IN_BATCH)) {
      await trx(T.failures).whereIn(['entity_ref', 'check_id'], part).delete();
    }
    for (const part of chunk([...wanted.values()], INSERT_BATCH)) {
      await trx(T.failures).insert(part).onConflict(['entity_ref', 'check_id']).merge();
    }
  }

  // ----------------------------------------------------------------- reads

  /**
   * The data version: changes whenever a save commits data, by this store or by another replica:
   * each of a save's transactions adds one to it (bumpDataVersion), so a save that fails part-way
   * still changes it for the batches it committed. Concurrent reads share one query.
   */
  private dataVersion(): Promise<string> {
    // A query per request was most of a cached read's cost on SQLite (its driver blocks the event
    // loop); one read per TTL keeps replicas in step within that time.
    const read = this.versionRead;
    const now = this.clock().getTime();
    if (
      read &&
      read.generation === this.generation &&
      now - read.at >= 0 &&
      now - read.at < this.versionTtlMs
    )
      return Promise.resolve(read.version);
    const inFlight = this.versionInFlight;
    if (inFlight && inFlight.generation === this.generation)
      return inFlight.promise;
    const generation = this.generation;
    const promise = this.db(T.dataVersion)
      .select('n')
      .where('id', 1)
      .first()
      .then(r => {
        // the row is made by the migration; without it no save could commit
        if (!r) throw new Error(`${T.dataVersion} has no row: the store's migrations did not complete`);
        const version = `${generation}:${r.n}`;
        if (this.generation === generation)
          this.versionRead = { generation, at: now, version };
        return version;
      })
      .finally(() => {
        if (this.versionInFlight?.promise === promise)
          this.versionInFlight = undefined;
      });
    this.versionInFlight = { generation, promise };
    return promise;
  }

  /** Every overview row of the current data version (see OverviewSnapshot). */
  private async overviewSnapshot(): Promise<OverviewSnapshot> {
    const version = await this.dataVersion();
    if (this.snapshot?.version !== version) {
      const promise = this.loadSnapshot(version);
      this.snapshot = { version, promise };
      // a failed load is retried by the next read
      promise.catch(() => {
        if (this.snapshot?.promise === promise) this.snapshot = undefined;
      });
    }
    return this.snapshot!.promise;
  }

  private async loadSnapshot(version: string): Promise<OverviewSnapshot> {
    const rows: OverviewDbRow[] = await this.inRefOrder(
      this.db<OverviewDbRow>(T.entities).select(OVERVIEW_COLUMNS),
    );
    const clustersOf = new Map<string, Set<string>>();
    const pairs: { entity_ref: string; cluster: string }[] = await this.db(
      T.entityClusters,
    ).select('entity_ref', 'cluster');
    for (const p of pairs) {
      const set = clustersOf.get(p.entity_ref);
      if (set) set.add(p.cluster);
      else clustersOf.set(p.entity_ref, new Set([p.cluster]));
    }
    return new OverviewSnapshot(version, rows, clustersOf);
  }

  /** The stored scorecard, with each cluster's staleness as of its latest attempt. */
  async getEntity(entityRef: string): Promise<EntityScorecard | undefined> {
    const cached = await this.cachedEntity(entityRef);
    return cached ? (JSON.parse(await inflateJson(cached)) as EntityScorecard) : undefined;
  }

  /**
   * getEntity as JSON, for serving without parsing and serialising ~20 KB per
   * request. `isOld` marks clusters stale whose data is too old (the router's
   * staleAfterMs), exactly as mapping the parsed scorecard would.
   */
  async getEntityJson(
    entityRef: string,
    isOld?: (collectedAt: string | null) => boolean,
  ): Promise<SerialisedBody | undefined> {
    const cached = await this.cachedEntity(entityRef);
    if (!cached) return undefined;
    if (isOld && cached.fresh.some(f => isOld(f.collectedAt))) {
      return serialised(markOld({ json: await inflateJson(cached), fresh: cached.fresh }, isOld), false);
    }
    return compressedBody(cached);
  }

  /**
   * Drops the least recently used scorecards until the cache is within its count and, with the last
   * version's cache, within its bytes: the last version's go first, being kept only for their pieces.
   */
  private evictEntities(cache: EntityCache) {
    const previous = this.previousEntityCache;
    while (previous && previous.cards.size > 0 && cache.bytes + previous.bytes > this.entityCacheBytes) {
      dropEntry(previous, previous.cards.keys().next().value as string);
    }
    if (previous?.cards.size === 0) this.previousEntityCache = undefined;
    while (cache.cards.size > MAX_CACHED_ENTITIES || (cache.bytes > this.entityCacheBytes && cache.cards.size > 0)) {
      dropEntry(cache, cache.cards.keys().next().value as string);
    }
  }

  private async cachedEntity(
    entityRef: string,
  ): Promise<CachedEntity | undefined> {
    const ref = normRef(entityRef);
    const version = await this.dataVersion();
    if (this.entityCache.version !== version) this.replaceEntityCache(version);
    const cache = this.entityCache;
    const hit = cache.cards.get(ref);
    if (hit !== undefined) {
      cache.cards.delete(ref);
      cache.cards.set(ref, hit);
      return hit ?? undefined;
    }
    // kept gzipped only: a scorecard's JSON is ~7× its gzip, so the same bytes hold ~7× more
    // scorecards, and a client that takes gzip (every browser) is served the kept bytes as they are
    const loaded = await this.loadEntity(ref);
    const entry: CachedEntity | null = loaded ?? null;
    // a write in between made this version obsolete: do not cache under it; nor a scorecard read
    // while a save rewrote one of its rows
    if (this.entityCache === cache && !loaded?.mixed && cachedBytes(entry) <= this.entityCacheBytes) {
      dropEntry(cache, ref);
      cache.cards.set(ref, entry);
      cache.bytes += cachedBytes(entry);
      // its pieces, kept or not, are this version's now
      if (this.previousEntityCache) dropEntry(this.previousEntityCache, ref);
      this.evictEntities(cache);
    }
    return entry ?? undefined;
  }

  /**
   * One entity's stored scorecard. Misses that arrive in the same turn of the event loop are loaded
   * together (loadEntities), a few queries for many reads: after a save empties the cache, a replica
   * under load misses on nearly every read, and a pair of round trips per read (each a query to
   * build, send and parse) was most of what a miss cost. `node bench/workers/coldReads.mjs` measures it.
   */
  private loadEntity(ref: string): Promise<LoadedEntity | undefined> {
    return new Promise<LoadedEntity | undefined>((resolve, reject) => {
      let pending = this.pendingLoads;
      if (!pending) {
        const batch = new Map<string, PendingLoad[]>();
        pending = this.pendingLoads = batch;
        // once this turn's other misses have joined
        setImmediate(() => {
          if (this.pendingLoads === batch) this.pendingLoads = undefined;
          void this.loadEntities(batch);
        });
      }
      const waiting = pending.get(ref);
      if (waiting) waiting.push({ resolve, reject });
      else pending.set(ref, [{ resolve, reject }]);
    });
  }

  /**
   * Loads a batch of misses, LOAD_BATCH refs to a query of their entity rows, then their cluster rows
   * in groups of about LOAD_CLUSTER_ROWS: an entity in 30 clusters carries ~0.6 MB of results, and
   * each group's scorecards are built in one turn of the event loop, so a group is bounded by what it
   * holds, not by how many entities. A failed query fails its own reads alone.
   */
  private async loadEntities(batch: Map<string, PendingLoad[]>): Promise<void> {
    const settle = (ref: string, loaded: LoadedEntity | undefined) => {
      for (const w of batch.get(ref)!) w.resolve(loaded);
      batch.delete(ref);
    };
    await Promise.all(
      chunk(Array.from(batch.keys()), LOAD_BATCH).map(async refs => {
        try {
          const rows: EntityDbRow[] = await this.db(T.entities).whereIn('entity_ref', refs);
          const found = new Set(rows.map(r => r.entity_ref));
          for (const ref of refs) if (!found.has(ref)) settle(ref, undefined);
          // by the clusters each row lists: an entity is never split, one in many clusters goes nearly alone
          for (const group of chunkByWeight(rows, Infinity, LOAD_CLUSTER_ROWS, r => clusterCount(r.clusters))) {
            const loaded = await this.entityBodiesOf(group);
            for (const row of group) settle(row.entity_ref, loaded.get(row.entity_ref));
          }
        } catch (e) {
          for (const ref of refs) for (const w of batch.get(ref) ?? []) w.reject(e);
        }
      }),
    );
  }

  /**
   * The scorecards of entity rows, gzipped, from their cluster rows. Each cluster's results are a
   * piece of the gzip body of their own (gzipPieces.ts), kept with the cached scorecard under the
   * row's token: the rows are read without their results first, and only the results no kept piece
   * has are read and compressed. After a save of one cluster, an entity in 30 clusters reads and
   * compresses about two clusters' results instead of all 30 (~0.6 MB).
   *
   * A piece is compressed with the results before it as its dictionary, so the body is as small as
   * one compressed whole (an entity's clusters repeat each other's checks and messages; pieces
   * compressed alone were 2.5 times as large). Such a piece is reused only behind the same results
   * (`after`, their token), and its neighbour is compressed again when they change.
   */
  private async entityBodiesOf(rows: EntityDbRow[]): Promise<Map<string, LoadedEntity>> {
    const out = new Map<string, LoadedEntity>();
    // with no piece kept for any of these entities (a cold cache), the results come with the rows
    const withResults = !rows.some(r => this.hasPieces(r.entity_ref));
    // each cluster row with its cluster's latest attempt, in one query, each entity's in cluster order
    const joined: (ClusterMetaRow & { results?: string })[] = await this.db(`${T.entityClusters} as ec`)
      .leftJoin(`${T.clusters} as c`, 'c.name', 'ec.cluster')
      .whereIn(
        'ec.entity_ref',
        rows.map(r => r.entity_ref),
      )
      // the columns of the scorecard alone: the row's sums (tally, failing) are for saves to combine
      .select([...ENTITY_CLUSTER_COLUMNS, ...(withResults ? ['results'] : [])].map(c => `ec.${c}`))
      .select({ status_error: 'c.error', status_stale: 'c.stale' })
      .orderBy([{ column: 'ec.entity_ref' }, { column: 'ec.cluster' }]);
    const clustersOf = new Map<string, ClusterMetaRow[]>();
    for (const c of joined) pushTo(clustersOf, c.entity_ref, c);

    // the results read: what no kept piece has, then what a piece to compress again needs (its own
    // and, as its dictionary, the one before). A second round is rare, a third never needed
    const read = new Map<string, ReadResults>();
    if (withResults) {
      for (const c of joined) {
        read.set(pieceKey(c.entity_ref, c.cluster), { token: c.results_token ?? null, elements: arrayElements(c.results!) });
        delete c.results;
      }
    }
    const first: RowsToRead = new Map();
    for (const own of clustersOf.values()) {
      own.forEach((c, k) => {
        if (c.results_token && this.keptPiece(c.entity_ref, c.cluster, c.results_token)) return;
        // with its neighbours, read in the same query: the one before is its dictionary, the one after
        // was compressed behind its old results
        for (const n of [own[k - 1], c, own[k + 1]]) if (n) needRow(first, n);
      });
    }
    let need = first;
    let plans: Map<string, PiecePlan[]>;
    for (let round = 0; ; round++) {
      if (need.size > 0) await this.readResults(need, read);
      const next: RowsToRead = new Map();
      plans = new Map(rows.map(row => [row.entity_ref, this.planPieces(clustersOf.get(row.entity_ref) ?? [], read, next)]));
      need = next;
      if (need.size === 0) break;
      if (round === 2) throw new Error('Posture could not read a scorecard whose rows kept changing; try again');
    }

    for (const row of rows) {
      const own = clustersOf.get(row.entity_ref) ?? [];
      const statuses = new Map<string, StoredClusterStatus>();
      for (const c of own) statuses.set(c.cluster, { error: c.status_error, stale: c.status_stale });
      const { head, tail, fresh } = entityParts(row, own, statuses);
      const entityPlans = plans.get(row.entity_ref) ?? [];
      const mixed = entityPlans.some(p => p.mixed);
      const kept = new Map<string, ResultsPiece>();
      if (own.length <= 1) {
        // in one cluster or none: no other cluster's save leaves a piece to reuse, so the body is one
        // piece at the fastest level, as a small body compressed in place always was
        const elements = [...own.map(c => read.get(pieceKey(c.entity_ref, c.cluster))!.elements), arrayElements(row.results)];
        const whole = pieceSync(Buffer.from(`${head}${elements.filter(e => e !== '').join(',')}${tail}`, 'utf8'));
        out.set(row.entity_ref, this.assembled([whole], kept, fresh, mixed));
        continue;
      }
      const parts: GzipPiece[] = [pieceSync(Buffer.from(head, 'utf8'))];
      let earlier = false;
      for (const [k, plan] of entityPlans.entries()) {
        const c = own[k];
        let made = plan.kept;
        if (!made) {
          const { elements, dictionary, token, after } = plan.make!;
          const plain = Buffer.from(`${earlier && elements !== '' ? ',' : ''}${elements}`, 'utf8');
          made = {
            token,
            after,
            comma: earlier,
            piece: elements === '' ? null : await piece(plain, dictionary && dictionaryOf(dictionary)),
          };
        }
        if (made.piece) {
          parts.push(made.piece);
          earlier = true;
        }
        if (made.token) kept.set(c.cluster, made);
      }
      const ownResults = arrayElements(row.results);
      parts.push(pieceSync(Buffer.from(`${earlier && ownResults !== '' ? ',' : ''}${ownResults}${tail}`, 'utf8')));
      out.set(row.entity_ref, this.assembled(parts, kept, fresh, mixed));
    }
    return out;
  }

  /** The gzip body of `parts`, with the kept pieces (views of it from now on) and the entity tag. */
  private assembled(
    parts: GzipPiece[],
    kept: Map<string, ResultsPiece>,
    fresh: EntityJson['fresh'],
    mixed: boolean,
  ): LoadedEntity {
    const gzipped = assembleGzip(parts);
    const length = parts.reduce((n, p) => n + p.length, 0);
    // the kept pieces become views of the body they are now part of, which the cache holds anyway
    const inBody = new Map<GzipPiece, Buffer>();
    let at = GZIP_HEADER_BYTES;
    for (const p of parts) {
      inBody.set(p, gzipped.subarray(at, at + p.deflated.length));
      at += p.deflated.length;
    }
    for (const [cluster, p] of kept) {
      if (p.piece) kept.set(cluster, { ...p, piece: { ...p.piece, deflated: inBody.get(p.piece)! } });
    }
    return {
      gzipped,
      length,
      // weak, and of the compressed bytes: the same pieces give the same bytes, and the plain body
      // is never made to be hashed
      etag: `W/"${length.toString(16)}-${createHash('sha1').update(gzipped).digest('base64url')}"`,
      fresh,
      ...(kept.size > 0 ? { pieces: kept } : {}),
      ...(mixed ? { mixed: true } : {}),
    };
  }

  /** Reads the results of the rows in `wanted` that `read` lacks, into `read`. */
  private async readResults(wanted: RowsToRead, read: Map<string, ReadResults>): Promise<void> {
    const pairs = [...wanted].filter(([k]) => !read.has(k)).map(([, pair]) => pair);
    for (const part of chunk(pairs, WHERE_IN_BATCH / 2)) {
      const rows: Pick<EntityClusterDbRow, 'entity_ref' | 'cluster' | 'results' | 'results_token'>[] = await this.db(
        T.entityClusters,
      )
        .whereIn(['entity_ref', 'cluster'], part)
        .select('entity_ref', 'cluster', 'results', 'results_token');
      for (const r of rows) {
        read.set(pieceKey(r.entity_ref, r.cluster), { token: r.results_token ?? null, elements: arrayElements(r.results) });
      }
      // deleted since the rows were read: served as empty, and not cached
      for (const [ref, cluster] of part) {
        if (!read.has(pieceKey(ref, cluster))) read.set(pieceKey(ref, cluster), { token: null, elements: '', gone: true });
      }
    }
  }

  /**
   * How each cluster row's results become a piece of the body: a kept piece that is still valid
   * where it goes, or one to compress from results read. What that needs and `read` lacks is added
   * to `need`, and the plan is made again once it is read.
   */
  private planPieces(own: ClusterMetaRow[], read: Map<string, ReadResults>, need: RowsToRead): PiecePlan[] {
    const plans: PiecePlan[] = [];
    // whether a piece before this one has results (this one then starts with a comma)
    let earlier = false;
    // the row before, as this body has it: its token and results, when it has results
    let before: { key: string; row: ClusterMetaRow; token: string | null } | undefined;
    for (const c of own) {
      const key = pieceKey(c.entity_ref, c.cluster);
      const r = read.get(key);
      const token = r ? r.token : c.results_token ?? null;
      const mixed = r !== undefined && (r.gone === true || r.token !== (c.results_token ?? null));
      const kept = token ? this.keptPiece(c.entity_ref, c.cluster, token) : undefined;
      let empty: boolean | undefined;
      if (kept) empty = kept.piece === null;
      else if (r) empty = r.elements === '';
      if (empty === undefined) {
        needRow(need, c);
        plans.push({ mixed });
        before = { key, row: c, token };
        earlier = true;
        continue;
      }
      if (empty) {
        plans.push({ mixed, ...(kept ? { kept } : { make: { elements: '', token, after: null } }) });
        before = undefined;
        continue;
      }
      // a kept piece compressed alone goes anywhere; one compressed after other results, only behind them
      if (kept && kept.comma === earlier && (kept.after === null || (before?.token && kept.after === before.token))) {
        plans.push({ mixed, kept });
      } else {
        const dictionaryRow = before?.token ? before : undefined;
        const dictionary = dictionaryRow ? read.get(dictionaryRow.key) : undefined;
        if (!r) needRow(need, c);
        if (dictionaryRow && !dictionary) needRow(need, dictionaryRow.row);
        plans.push({
          mixed,
          make: {
            elements: r?.elements ?? '',
            token,
            after: dictionary ? dictionaryRow!.token : null,
            ...(dictionary ? { dictionary } : {}),
          },
        });
      }
      if (r) r.comma = earlier;
      before = { key, row: c, token };
      earlier = true;
    }
    return plans;
  }

  /** Whether a cached scorecard of the entity (this version's or the last's) keeps results pieces. */
  private hasPieces(ref: string): boolean {
    return [this.entityCache, this.previousEntityCache].some(cache => (cache?.cards.get(ref)?.pieces?.size ?? 0) > 0);
  }

  /** A cluster's results piece of an entity, if a cached scorecard (this version's or the last's) has it under `token`. */
  private keptPiece(ref: string, cluster: string, token: string): ResultsPiece | undefined {
    for (const cache of [this.entityCache, this.previousEntityCache]) {
      const p = cache?.cards.get(ref)?.pieces?.get(cluster);
      if (p && p.token === token) return p;
    }
    return undefined;
  }

  /** History points in time order; `from` and `to` are inclusive ISO dates. */
  async getHistory(
    entityRef: string,
    range: { from?: string; to?: string } = {},
  ): Promise<HistoryPoint[]> {
    const q = this.db<HistoryDbRow>(T.history).where(
      'entity_ref',
      normRef(entityRef),
    );
    if (range.from !== undefined)
      q.where('at', '>=', toIso(range.from, 'from'));
    if (range.to !== undefined) q.where('at', '<=', toIso(range.to, 'to'));
    const rows: HistoryDbRow[] = await q.orderBy([
      { column: 'at' },
      { column: 'id' },
    ]);
    return rows.map(r => ({
      at: r.at,
      scalability: num(r.scalability),
      security: num(r.security),
      overall: num(r.overall),
      grade: r.grade as Grade | null,
      level: r.level as Level,
      pssLevel: r.pss_level as PssLevel,
      regression: r.regression === null ? null : JSON.parse(r.regression),
    }));
  }

  async getClusterStatuses(): Promise<ClusterStatus[]> {
    const rows: ClusterDbRow[] = await this.db(T.clusters).orderBy('name');
    return rows.map(r => ({
      name: r.name,
      type: r.type as ClusterStatus['type'],
      collectedAt: r.collected_at,
      lastAttemptAt: r.last_attempt_at,
      durationMs: num(r.duration_ms),
      objectCounts: JSON.parse(r.object_counts),
      error: r.error,
      stale: bool(r.stale),
    }));
  }

  async listEntityRefs(): Promise<string[]> {
    const rows = await this.db(T.entities)
      .select('entity_ref')
      .orderBy('entity_ref');
    return rows.map(r => r.entity_ref);
  }

  async getLastRun(): Promise<RunSummary | undefined> {
    const r = await this.db(T.runs).orderBy('id', 'desc').first();
    if (!r) return undefined;
    return {
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      entities: Number(r.entities),
      changed: Number(r.changed),
      regressions: Number(r.regressions),
    };
  }

  /**
   * One page of the overview, plus the total, distribution and quadrant points
   * over every matching row the caller may read. Throws InputError for a sort
   * field, order, grade, level, limit (1-500) or offset that is not allowed.
   */
  async listOverview(query: OverviewStoreQuery): Promise<OverviewResponse> {
    const paging = normaliseOverviewQuery(query, true);
    const allowed = lowerSet(query.allowedRefs);
    if (allowed && allowed.size === 0) return emptyOverview();
    const snapshot = await this.overviewSnapshot();
    const view = snapshot.view(query, allowed);
    const { distribution } = view.distribution();
    const { points } = snapshot.pointsView(query, allowed).points();
    return {
      total: view.rows.length,
      rows: view
        .sortedBy(paging.sort, paging.order)
        .slice(paging.offset, paging.offset + paging.limit)
        .map(toOverviewRow),
      // cached and shared: callers get their own copies
      distribution: copyOf(distribution),
      points: points.map(p => ({ ...p })),
    };
  }

  /** listOverview as JSON, for serving a cached page without building and serialising it per request. */
  async listOverviewJson(query: OverviewStoreQuery): Promise<SerialisedBody> {
    const paging = normaliseOverviewQuery(query, true);
    const allowed = lowerSet(query.allowedRefs);
    if (allowed && allowed.size === 0)
      return serialised(JSON.stringify(emptyOverview()), false);
    const snapshot = await this.overviewSnapshot();
    return snapshot.page(query, allowed, paging);
  }

  /** Over-requested CPU and memory per owning team, over the entities the query matches. */
  async getRightSizing(query: OverviewStoreQuery): Promise<RightSizingResponse> {
    // the columns the in-memory filters read too: name and title (text), the scores (quadrant)
    const rows = await this.matchingRows(query, ['entity_ref', 'owner', 'name', 'title', 'scalability', 'security']);
    return rightSizingByOwner(this.db, rows, query.cluster);
  }

  /** Every matching row, sorted, for a CSV export: `limit` and `offset` are ignored. */
  async overviewCsvRows(query: OverviewStoreQuery): Promise<OverviewRow[]> {
    const paging = normaliseOverviewQuery(query, false);
    const allowed = lowerSet(query.allowedRefs);
    if (allowed && allowed.size === 0) return [];
    const snapshot = await this.overviewSnapshot();
    return snapshot
      .view(query, allowed)
      .sortedBy(paging.sort, paging.order)
      .map(toOverviewRow);
  }

  async getGroupRollup(
    groupRef: string,
    options: GroupRollupOptions = {},
  ): Promise<GroupRollup> {
    const group = normRef(groupRef);
    const rows = options.ownedRefs
      ? await this.rowsByRefs(
          options.ownedRefs.map(normRef),
          options.allowedRefs,
        )
      : await this.matchingRows({
          owner: options.owners?.length ? options.owners : [group],
          allowedRefs: options.allowedRefs,
        });
    sortRows(rows, 'name', 'asc');

    const titles = new Map<string, CheckMetadata>();
    for (const c of [...this.checks, ...(options.checks ?? [])])
      titles.set(c.id, c);
    const byCheck = new Map<string, { severity: string; entities: string[] }>();
    for (const refs of chunk(
      rows.map(r => r.entity_ref),
      WHERE_IN_BATCH,
    )) {
      const failures: {
        entity_ref: string;
        check_id: string;
        severity: string;
      }[] = await this.db(T.failures)
        .select('entity_ref', 'check_id', 'severity')
        .whereIn('entity_ref', refs);
      for (const f of failures) {
        const entry = byCheck.get(f.check_id) ?? {
          severity: f.severity,
          entities: [] as string[],
        };
        entry.entities.push(f.entity_ref);
        byCheck.set(f.check_id, entry);
      }
    }
    const worstChecks = [...byCheck.entries()]
      .map(([checkId, v]) => ({
        checkId,
        title: titles.get(checkId)?.title ?? checkId,
        severity: titles.get(checkId)?.severity ?? v.severity,
        failing: v.entities.length,
        entities: v.entities.sort(),
      }))
      .sort(
        (a, b) =>
          b.failing - a.failing ||
          (SEVERITY_RANK[a.severity] ?? 9) - (SEVERITY_RANK[b.severity] ?? 9) ||
          (a.checkId < b.checkId ? -1 : 1),
      )
      .slice(0, options.worstChecksLimit ?? 10);

    return {
      groupRef: group,
      entities: rows.map(toOverviewRow),
      averages: {
        scalability: average(rows.map(r => num(r.scalability))),
        security: average(rows.map(r => num(r.security))),
        overall: average(rows.map(r => num(r.overall))),
      },
      levels: levelDistribution(rows),
      worstChecks,
    };
  }

  /** Each check with the entities (the caller may read) that fail it, in the catalog's order. */
  async listCheckSummaries(
    checks: CheckMetadata[],
    options: ReadScope = {},
  ): Promise<CheckSummary[]> {
    const allowed = lowerSet(options.allowedRefs);
    const all = await this.failingByCheck();
    const failing = new Map<string, string[]>();
    for (const c of checks) {
      const refs = all.get(c.id);
      if (refs && !failing.has(c.id))
        failing.set(
          c.id,
          allowed ? refs.filter(r => allowed.has(r)) : [...refs],
        );
    }
    // owners and the denominator come from the overview rows, which are cached per data version
    const { rows } = await this.overviewSnapshot();
    const ownerOf = new Map<string, string | null>();
    let scoredEntities = 0;
    for (const r of rows) {
      if (allowed && !allowed.has(r.entity_ref)) continue;
      ownerOf.set(r.entity_ref, r.owner);
      if (r.state === 'scored') scoredEntities++;
    }
    return checks.map(c => {
      const entityRefs = failing.get(c.id) ?? [];
      return {
        ...c,
        failingEntities: entityRefs.length,
        entityRefs,
        scoredEntities,
        failingByOwner: byOwner(entityRefs, ownerOf),
      };
    });
  }

  /**
   * Entity ref -> the other entities that claim one of its workloads (`match.sharedWith`), for
   * entities that share any; read once per data version.
   */
  async sharedClaims(): Promise<Map<string, string[]>> {
    const version = await this.dataVersion();
    if (this.sharedCache?.version !== version) {
      const promise = (async () => {
        const rows: { entity_ref: string; match: string }[] = await this.db(T.entities)
          .select('entity_ref', 'match')
          // only rows that can have it: most entities share nothing
          .where('match', 'like', '%"sharedWith"%');
        // The claims of every cluster row the entity keeps: its own row has only those of the run
        // that wrote it last, which collected one cluster, while its rows of other clusters stay
        const clusterRows: { entity_ref: string; shared_with: string }[] = await this.db(T.entityClusters)
          .select('entity_ref', 'shared_with')
          .whereNotNull('shared_with');
        const sets = new Map<string, Set<string>>();
        const add = (ref: string, refs: unknown) => {
          if (!Array.isArray(refs) || refs.length === 0) return;
          let set = sets.get(ref);
          if (!set) sets.set(ref, (set = new Set()));
          for (const x of refs) set.add(String(x));
        };
        // the entity's own row still answers for cluster rows written before they kept claims
        for (const r of rows) add(r.entity_ref, (JSON.parse(r.match) as { sharedWith?: unknown }).sharedWith);
        for (const r of clusterRows) add(r.entity_ref, JSON.parse(r.shared_with));
        const shared = new Map<string, string[]>();
        for (const [ref, set] of sets) shared.set(ref, [...set].sort());
        return shared;
      })();
      this.sharedCache = { version, promise };
      promise.catch(() => {
        if (this.sharedCache?.promise === promise) this.sharedCache = undefined;
      });
    }
    return this.sharedCache!.promise;
  }

  /**
   * Every exemption on a stored result (active or expired), in entity-ref order, read once per
   * data version: the platform team's audit of what is hidden from the scores and why.
   */
  async listExemptions(): Promise<ExemptionEntry[]> {
    const version = await this.dataVersion();
    if (this.exemptionsCache?.version !== version) {
      const promise = (async () => {
        // only rows that can hold one: most results carry no exemption
        const [clusterRows, entityRows] = await Promise.all([
          this.db(T.entityClusters)
            .select('entity_ref', 'cluster', 'results')
            .where('results', 'like', '%"exemption"%'),
          this.db(T.entities)
            .select('entity_ref', 'results')
            .where('results', 'like', '%"exemption"%'),
        ]);
        const owners = new Map<string, string | null>();
        for (const refs of chunk(
          [...new Set([...clusterRows, ...entityRows].map(r => r.entity_ref as string))],
          WHERE_IN_BATCH,
        )) {
          const rows: { entity_ref: string; owner: string | null }[] = await this.db(T.entities)
            .select('entity_ref', 'owner')
            .whereIn('entity_ref', refs);
          for (const r of rows) owners.set(r.entity_ref, r.owner);
        }
        const out: ExemptionEntry[] = [];
        const add = (entityRef: string, cluster: string | null, results: CheckResult[]) => {
          for (const r of results) {
            const x = r.exemption;
            if (!x) continue;
            const subject = `${r.subject.kind} ${r.subject.namespace ? `${r.subject.namespace}/` : ''}${r.subject.name}`;
            out.push({
              entityRef,
              owner: owners.get(entityRef) ?? null,
              cluster: r.cluster ?? cluster,
              checkId: r.checkId,
              severity: r.severity,
              subject: r.subject,
              source: x.source,
              reason: x.reason,
              until: x.until ?? null,
              expired: x.expired,
              declaredIn:
                x.source === 'annotation'
                  ? `annotation posture.backstage.io/exempt on ${subject}`
                  : 'posture.engine.exemptions in the backend configuration',
            });
          }
        };
        for (const r of clusterRows) add(r.entity_ref, r.cluster, JSON.parse(r.results));
        for (const r of entityRows) add(r.entity_ref, null, JSON.parse(r.results));
        return out.sort(
          (a, b) =>
            compareText(a.entityRef, b.entityRef) ||
            compareText(a.cluster ?? '', b.cluster ?? '') ||
            compareText(a.checkId, b.checkId) ||
            compareText(a.subject.name, b.subject.name),
        );
      })();
      this.exemptionsCache = { version, promise };
      promise.catch(() => {
        if (this.exemptionsCache?.promise === promise) this.exemptionsCache = undefined;
      });
    }
    return this.exemptionsCache!.promise;
  }

  /** check id -> failing entity refs in entity-ref order, per data version */
  private async failingByCheck(): Promise<Map<string, string[]>> {
    const version = await this.dataVersion();
    if (this.failuresCache?.version !== version) {
      const promise = (async () => {
        const rows: { check_id: string; entity_ref: string }[] = await this.db(
          T.failures,
        )
          .select('check_id', 'entity_ref')
          .orderBy('entity_ref');
        const byCheck = new Map<string, string[]>();
        for (const r of rows) pushTo(byCheck, r.check_id, r.entity_ref);
        return byCheck;
      })();
      this.failuresCache = { version, promise };
      promise.catch(() => {
        if (this.failuresCache?.promise === promise)
          this.failuresCache = undefined;
      });
    }
    return this.failuresCache!.promise;
  }

  /**
   * Rows matching the filters. Equality filters run in SQL (indexed); the text
   * search and a large permission set are applied in memory over the narrow
   * overview columns.
   */
  private async matchingRows(
    query: OverviewStoreQuery,
    columns: (keyof OverviewDbRow)[] = OVERVIEW_COLUMNS,
  ): Promise<OverviewDbRow[]> {
    normaliseOverviewQuery(query, false);
    const allowed = lowerSet(query.allowedRefs);
    if (allowed && allowed.size === 0) return [];
    // with fewer columns, the rows hold only those: callers read no others
    const q = this.db<OverviewDbRow>(T.entities).select(columns);
    const list = (v: string[] | undefined) => (v && v.length ? v : undefined);
    const owners = list(query.owner);
    if (owners) q.whereIn('owner', owners.map(normRef));
    const systems = list(query.system);
    if (systems) q.whereIn('system', systems.map(normRef));
    const kinds = list(query.kind);
    if (kinds)
      q.whereIn(
        this.db.raw('lower(??)', ['kind']) as any,
        kinds.map(k => k.toLowerCase()),
      );
    const lifecycles = list(query.lifecycle);
    if (lifecycles) {
      q.whereIn(
        this.db.raw('lower(??)', ['lifecycle']) as any,
        lifecycles.map(l => l.toLowerCase()),
      );
    }
    const grades = list(query.grade);
    if (grades) q.whereIn('grade', grades);
    const levels = list(query.level);
    if (levels) q.whereIn('level', levels);
    const clusters = list(query.cluster);
    if (clusters) {
      q.whereIn(
        'entity_ref',
        this.db(T.entityClusters)
          .select('entity_ref')
          .whereIn('cluster', clusters),
      );
    }
    // a small permission set narrows the query itself; a large one is cheaper to apply in memory
    if (allowed && allowed.size <= WHERE_IN_BATCH)
      q.whereIn('entity_ref', [...allowed]);

    let rows: OverviewDbRow[] = await this.inRefOrder(q);
    if (allowed && allowed.size > WHERE_IN_BATCH)
      rows = rows.filter(r => allowed.has(r.entity_ref));
    if (query.q) rows = rows.filter(r => matchesText(r, query.q!));
    const quadrants = list(query.quadrant);
    if (quadrants) {
      rows = rows.filter(r => {
        const quadrant = quadrantOfRow(r);
        return quadrant !== null && quadrants.includes(quadrant);
      });
    }
    return rows;
  }

  private async rowsByRefs(
    refs: string[],
    allowedRefs: Set<string> | undefined,
  ): Promise<OverviewDbRow[]> {
    const allowed = lowerSet(allowedRefs);
    const wanted = [...new Set(refs)]
      .filter(r => !allowed || allowed.has(r))
      .sort();
    const rows: OverviewDbRow[] = [];
    for (const part of chunk(wanted, WHERE_IN_BATCH)) {
      rows.push(
        // bounded-spread: one chunk, at most WHERE_IN_BATCH rows
        ...(await this.inRefOrder(
          this.db<OverviewDbRow>(T.entities)
            .select(OVERVIEW_COLUMNS)
            .whereIn('entity_ref', part),
        )),
      );
    }
    return rows;
  }

  /**
   * Orders by entity ref in code-point order, as JavaScript compares strings
   * (PostgreSQL's default collation may not), so sortRows need not re-sort.
   */
  private inRefOrder<Q extends Knex.QueryBuilder>(q: Q): Q {
    return (
      this.isPostgres
        ? q.orderByRaw('?? collate "C"', ['entity_ref'])
        : q.orderBy('entity_ref')
    ) as Q;
  }

  // ------------------------------------------------- roll-ups and campaigns

  /** The failing checks of each entity (lower-case refs), for the checks that block a campaign target. */
  async failuresOf(
    refs: string[],
  ): Promise<Map<string, { checkId: string; severity: string; pillar: string }[]>> {
    const byRef = new Map<string, { checkId: string; severity: string; pillar: string }[]>();
    for (const part of chunk([...new Set(refs.map(normRef))], WHERE_IN_BATCH)) {
      const rows: { entity_ref: string; check_id: string; severity: string; pillar: string }[] =
        await this.db(T.failures)
          .select('entity_ref', 'check_id', 'severity', 'pillar')
          .whereIn('entity_ref', part);
      for (const r of rows)
        pushTo(byRef, r.entity_ref, { checkId: r.check_id, severity: r.severity, pillar: r.pillar });
    }
    return byRef;
  }

  /** History points of these entities in time order (all entities when `refs` is undefined), from `from` on. */
  async historyOf(
    refs: string[] | undefined,
    from?: string,
  ): Promise<HistoryRow[]> {
    const read = async (part?: string[]) => {
      const q = this.db<HistoryDbRow>(T.history).select(
        'entity_ref',
        'at',
        'scalability',
        'security',
        'overall',
        'grade',
        'level',
      );
      if (part) q.whereIn('entity_ref', part);
      if (from !== undefined) q.where('at', '>=', toIso(from, 'from'));
      const rows = (await q.orderBy([{ column: 'at' }, { column: 'id' }])) as HistoryDbRow[];
      return rows.map(r => ({
        entityRef: r.entity_ref,
        at: r.at,
        scalability: num(r.scalability),
        security: num(r.security),
        overall: num(r.overall),
        grade: r.grade as Grade | null,
        level: r.level as Level,
      }));
    };
    if (!refs) return read();
    const parts = chunk([...new Set(refs.map(normRef))], WHERE_IN_BATCH);
    if (parts.length <= 1) return read(parts[0] ?? []);
    const all: HistoryRow[] = [];
    for (const part of parts) for (const r of await read(part)) all.push(r);
    // merged from several queries: back into time order (stable, so a run's rows keep their order)
    return all.sort((a, b) => compareText(a.at, b.at));
  }

  // ------------------------------------------------ entities gone from the catalog

  /** Entities marked absent from the catalog, with when that was first seen. */
  async listAbsentEntities(): Promise<{ entityRef: string; missingSince: string }[]> {
    const rows: { entity_ref: string; missing_since: string }[] = await this.db(T.absence).select('*');
    return rows.map(r => ({ entityRef: r.entity_ref, missingSince: r.missing_since }));
  }

  /** Marks entities absent since `at`; one already marked keeps its earlier time. */
  async markEntitiesAbsent(refs: string[], at: string): Promise<void> {
    const since = toIso(at, 'missingSince');
    for (const batch of chunk([...new Set(refs.map(normRef))], INSERT_BATCH)) {
      await this.db(T.absence)
        .insert(batch.map(entity_ref => ({ entity_ref, missing_since: since })))
        .onConflict('entity_ref')
        .ignore();
    }
  }

  /** Forgets that entities were absent (they are back, or were deleted). */
  async clearEntitiesAbsent(refs: string[]): Promise<void> {
    for (const batch of chunk([...new Set(refs.map(normRef))], WHERE_IN_BATCH)) {
      await this.db(T.absence).whereIn('entity_ref', batch).delete();
    }
  }
}

/**
 * What writeOwnRows needs of an entity, checked for the whole run before its first batch is
 * written: a batch that failed on it would leave the batches before it saved.
 */
/**
 * Whether combining an entity whose own rows are unchanged would give it its stored state again.
 * A run's state is 'no-workloads' where its cluster has none of the entity's workloads; combined
 * with the rows other clusters keep it becomes 'scored' (combineEntityBatch), as it was stored by the
 * save that last changed a row. Without scoring options a run's own combined score stands alone.
 */
function combinedStateStands(runState: string, storedState: string, scoring: boolean): boolean {
  if (runState === storedState) return true;
  return scoring && runState === 'no-workloads' && storedState === 'scored';
}

/**
 * Adds one to the data version, as a transaction's last statement: the row lock it takes is then held
 * only until the commit, so saves of other replicas wait for it no longer than that, and no lock
 * is taken after it (no cycle with the entity locks).
 */
async function bumpDataVersion(trx: Knex.Transaction): Promise<void> {
  await trx(T.dataVersion).where('id', 1).increment('n', 1);
}

/** A cluster row's `shared_with`: the refs, normalised, unique and sorted, as JSON; null for none. */
function sharedWithColumn(refs: string[] | undefined): string | null {
  if (!refs || refs.length === 0) return null;
  return JSON.stringify([...new Set(refs.map(normRef))].sort());
}

function checkEntityShape(ref: string, e: SaveRunEntity) {
  if (!Array.isArray(e.clusters) || !Array.isArray(e.results)) {
    throw new InputError(`Entity ${ref} needs clusters and results arrays`);
  }
  const names = new Set<string>();
  for (const c of e.clusters) {
    if (names.has(c.cluster))
      throw new InputError(`Entity ${ref} lists cluster ${c.cluster} twice`);
    names.add(c.cluster);
    toIso(c.collectedAt, `collectedAt of ${ref} in ${c.cluster}`);
    if (c.sharedWith !== undefined && (!Array.isArray(c.sharedWith) || !c.sharedWith.every(x => typeof x === 'string')))
      throw new InputError(`Entity ${ref} needs sharedWith in ${c.cluster} to be a list of entity refs`);
  }
  for (const [cluster, given] of Object.entries(e.serialised ?? {})) {
    if (!names.has(cluster))
      throw new InputError(`Entity ${ref} has results serialised for ${cluster}, which is not one of its clusters`);
    if ((typeof given?.json !== 'string' && !(given?.json instanceof Uint8Array)) || !given.tally || !given.failing)
      throw new InputError(`Entity ${ref} needs json, tally and failing for its serialised results in ${cluster}`);
    if (given.digest !== undefined && !/^[0-9a-f]{64}$/.test(given.digest))
      throw new InputError(`Entity ${ref} has a malformed results digest in ${cluster}`);
  }
  const fromThread = e.serialised;
  if (fromThread) {
    // writeOwnRows attributes a result without a cluster to the entity's only cluster
    const only = e.clusters.length === 1 ? e.clusters[0].cluster : undefined;
    if (e.results.some(r => { const c = r.cluster ?? only; return c !== undefined && Object.hasOwn(fromThread, c); }))
      throw new InputError(`Entity ${ref} has results for a cluster both serialised and not`);
  }
}

function clusterStatusRow(s: ClusterStatus) {
  return {
    name: s.name,
    type: s.type,
    collected_at:
      s.collectedAt === null
        ? null
        : toIso(s.collectedAt, `collectedAt of cluster ${s.name}`),
    last_attempt_at:
      s.lastAttemptAt === null
        ? null
        : toIso(s.lastAttemptAt, `lastAttemptAt of cluster ${s.name}`),
    duration_ms: s.durationMs === null ? null : Math.round(s.durationMs),
    object_counts: JSON.stringify(s.objectCounts ?? {}),
    error: s.error,
    stale: Boolean(s.stale),
  };
}

interface EntityCache {
  version: string;
  /** least recently used first; null: known not to exist */
  cards: Map<string, CachedEntity | null>;
  /** the sum of cachedBytes over `cards` */
  bytes: number;
}

/** about what a cache entry, its key and its tag take besides the scorecard's bytes */
export const CACHE_ENTRY_OVERHEAD = 256;

/** What a cached scorecard costs: its gzipped bytes, and the entry's own (a known-absent one too). */
function dropEntry(cache: EntityCache, ref: string): void {
  cache.bytes -= cachedBytes(cache.cards.get(ref));
  cache.cards.delete(ref);
}

function cachedBytes(entry: CachedEntity | null | undefined): number {
  if (entry === undefined) return 0;
  if (entry === null) return CACHE_ENTRY_OVERHEAD;
  // a kept piece is a view of the gzipped body, its entry and key besides
  return entry.gzipped.length + CACHE_ENTRY_OVERHEAD + 16 * entry.fresh.length + 96 * (entry.pieces?.size ?? 0);
}

/** How many clusters an entity row lists; 1 when the column cannot be read. */
function clusterCount(clusters: unknown): number {
  try {
    const list = typeof clusters === 'string' ? JSON.parse(clusters) : clusters;
    return Array.isArray(list) ? Math.max(1, list.length) : 1;
  } catch {
    return 1;
  }
}

/** A read waiting for its entity's load (loadEntity). */
interface PendingLoad {
  resolve: (loaded: LoadedEntity | undefined) => void;
  reject: (error: unknown) => void;
}

/** A cluster's results as one piece of a scorecard's gzip body, under the token of the row they were read from. */
interface ResultsPiece {
  token: string | null;
  /** the token of the results compressed before it, as its dictionary; null: compressed alone */
  after: string | null;
  /** whether it starts with the comma that follows earlier results */
  comma: boolean;
  /** null for no results */
  piece: GzipPiece | null;
}

/** an entity-cluster row without its results, with its cluster's latest attempt */
type ClusterMetaRow = Omit<EntityClusterDbRow, 'results'> & {
  status_error: string | null;
  status_stale: boolean | number | null;
};

/** A row's results as read: their token then, and their elements; `comma` once planned (planPieces). */
interface ReadResults {
  token: string | null;
  elements: string;
  comma?: boolean;
  /** the row was gone */
  gone?: boolean;
}

/** How one cluster row's results go into a body: a kept piece, or one to compress. */
interface PiecePlan {
  kept?: ResultsPiece;
  /** `dictionary`: the results before, whose end the piece is compressed after (made into bytes only then) */
  make?: { elements: string; token: string | null; after: string | null; dictionary?: ReadResults };
  /** the row changed while the scorecard was read */
  mixed: boolean;
}

/** deflate's window: a dictionary longer than this is cut to its end */
const DEFLATE_WINDOW = 32 * 1024;

/** The end of results as a dictionary, in bytes, as the body has them (with their comma, if any). */
function dictionaryOf(r: ReadResults): Buffer {
  // one character more than the window is encoded, so that a surrogate pair the cut splits (a lone
  // half encodes as three other bytes) falls outside it
  const plain = `${r.comma ? ',' : ''}${r.elements}`.slice(-(DEFLATE_WINDOW + 1));
  return Buffer.from(plain, 'utf8').subarray(-DEFLATE_WINDOW);
}

/** Rows whose results are to be read, by `pieceKey`, as (entity ref, cluster). */
type RowsToRead = Map<string, [string, string]>;

function needRow(rows: RowsToRead, r: { entity_ref: string; cluster: string }): void {
  rows.set(pieceKey(r.entity_ref, r.cluster), [r.entity_ref, r.cluster]);
}

/** A scorecard as the cache keeps it: gzipped, with where its fresh clusters' flags are. */
interface CachedEntity extends CompressedJson {
  fresh: EntityJson['fresh'];
  /** each cluster's results piece (part of `gzipped`), by cluster, for the next scorecard of this entity */
  pieces?: Map<string, ResultsPiece>;
}

/** A scorecard as loaded; `mixed` when a save rewrote one of its rows while it was read. */
interface LoadedEntity extends CachedEntity {
  mixed?: boolean;
}

function pieceKey(ref: string, cluster: string): string {
  return `${ref}\u0000${cluster}`;
}

/** Failing entities grouped by owner: most failing first, then by owner ref, no owner last. */
function byOwner(
  entityRefs: string[],
  ownerOf: Map<string, string | null>,
): CheckOwnerFailures[] {
  const groups = new Map<string | null, string[]>();
  for (const ref of entityRefs) pushTo(groups, ownerOf.get(ref) ?? null, ref);
  return [...groups.entries()]
    .map(([owner, refs]) => ({ owner, failing: refs.length, entityRefs: refs }))
    .sort(
      (a, b) =>
        b.failing - a.failing ||
        (a.owner === null ? 1 : 0) - (b.owner === null ? 1 : 0) ||
        compareText(a.owner ?? '', b.owner ?? ''),
    );
}

function emptyOverview(): OverviewResponse {
  return {
    total: 0,
    rows: [],
    distribution: distributionOf([]),
    points: [],
  };
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function lowerSet(refs: Set<string> | undefined): Set<string> | undefined {
  if (!refs) return undefined;
  let lower = true;
  for (const r of refs) {
    if (r !== normRef(r)) {
      lower = false;
      break;
    }
  }
  return lower ? refs : new Set([...refs].map(normRef));
}

function compareText(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}
