import {
  AuthService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { Entity, parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ClusterScorecard,
  ClusterStatus,
  EntityScorecard,
  ScoreTally,
  mergeTallies,
  scorecardOf,
} from '@posture-dev/backstage-plugin-posture-common';
import { Check } from '@posture-dev/backstage-plugin-posture-node';
import { ClusterConfig, PostureConfig, durationMs } from './config';
import { CollectionOutcome, collectCluster } from './clusters/collect';
import { ClusterSource } from './clusters/types';
import { entitySelector, markSharedClaims } from './mapping';
import { PostureRunStore, Regression } from './runStoreApi';
import { LoadBoard, ReplicaLoad, lessLoaded } from './replicaLoads';
import { SaveRunEntity, SerialisedClusterResults } from './store/types';
import { forEachInTurns, mapInTurns } from './turns';
import { CollectionGate } from './collectionGate';
import { EntityInCluster } from './worker/clusterJob';

/** Catalog kinds that run workloads. */
const SCORED_KINDS = ['Component', 'Resource'];
/** below this many scored entities a shrinking catalog answer is not suspicious */
const SHRINK_GUARD_MIN = 4;

export interface RunSummary {
  clusters: {
    name: string;
    ok: boolean;
    error?: string;
    objects: number;
    durationMs: number;
    /** response bytes read from the API server */
    bytesRead?: number;
  }[];
  entities: number;
  changed: number;
  regressions: Regression[];
  /** entities gone from the catalog, kept for the grace period */
  absent: number;
  /** entities deleted because they stayed absent past the grace period */
  removed: number;
  /** how long saving the run took, waits for other replicas' saves of the same entities included */
  saveMs: number;
}

export interface RefresherOptions {
  sources: ClusterSource[];
  /** the sources' configs (same order and names): with them a worker thread builds its own source */
  clusterConfigs?: ClusterConfig[];
  store: PostureRunStore;
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  config: PostureConfig;
  checks: Check[];
  /** told about grade or level drops; defaults to logging them */
  onRegressions?: (regressions: Regression[]) => Promise<void>;
  /**
   * where this replica publishes its collection load and reads the other replicas'; without it, a
   * replica hands a task back only when every slot is taken
   */
  loads?: LoadBoard;
}

/**
 * Collection runs. The scheduler runs one task per cluster (`runCluster`), so replicas share the
 * fleet; `run` collects every cluster at once (tests, and a single-process setup). Each cluster
 * is collected and evaluated in a worker thread, its results mapped onto catalog entities and
 * saved, each entity in one transaction; the store combines them with the latest good rows of the entity's
 * other clusters, whoever collected those and whenever. A cluster that fails keeps its last good
 * data, marked stale.
 */
export class PostureRefresher {
  private readonly running = new Map<string, Promise<RunSummary>>();
  /** when this replica handed each cluster's task back (tryRunCluster), within the window */
  private readonly handBacks = new Map<string, number[]>();
  private readonly gate: CollectionGate;
  /** this replica's collections (start and end times) that may fall within the last interval */
  private readonly busy: { start: number; end?: number }[] = [];
  private readonly pssLevelOf: (checkId: string) => 'baseline' | 'restricted' | undefined;

  constructor(private readonly options: RefresherOptions) {
    const levels = new Map(options.checks.map(c => [c.meta.id, c.meta.pssLevel]));
    this.pssLevelOf = id => levels.get(id);
    this.gate = new CollectionGate({
      slots: options.config.maxConcurrentCollections,
      memoryBudgetBytes: options.config.collectionMemoryBytes,
    });
  }

  /** Collects every cluster now, or joins the all-cluster run already in progress in this process. */
  run(signal?: AbortSignal): Promise<RunSummary> {
    return this.once('*', () => this.collectAndSave(this.options.sources, signal));
  }

  /**
   * A scheduled task's work: collects one cluster, or answers `'busy'` at once so the task can go to
   * another replica (scheduling.ts, handBackTask): when this replica would queue it (slots or memory,
   * CollectionGate) and another live replica has fewer collections running or waiting, or when it could
   * start it and another live replica is less loaded (fewer collections, or as many and less time
   * collecting in the last interval; `lessLoaded`). The scheduler gives a due task to whichever replica polls first,
   * whatever its load, and a replica's polls keep the phase of its first one: the replica that
   * registered the tasks, whose polling starts when the first is due, polls just after every due time
   * and wins nearly every claim. The fleet bench's split was 21 / 10 / 3 runs with no hand-back,
   * 18 / 8 / 5 handing back only when full, and 14 / 12 / 4 handing back while collecting (each next
   * poller in phase order took what the one before it gave back). A cluster is handed back at most
   * HAND_BACKS times per HAND_BACK_WINDOW_MS by this replica, so it still runs somewhere when the
   * loads it reads are stale or every replica is busy.
   */
  async tryRunCluster(name: string, signal?: AbortSignal): Promise<RunSummary | 'busy'> {
    if (!this.running.has(name) && (await this.anotherShouldTake(name)) && this.mayHandBack(name)) {
      return 'busy';
    }
    return this.runCluster(name, signal);
  }

  /** This replica's load: what it publishes, and what it compares with the others'. */
  load(now = Date.now()): ReplicaLoad {
    const since = now - durationMs(this.options.config.schedule.frequency);
    let busyMs = 0;
    for (let i = this.busy.length - 1; i >= 0; i--) {
      const { start, end = now } = this.busy[i];
      if (end < since) this.busy.splice(i, 1);
      else busyMs += end - Math.max(start, since);
    }
    return { running: this.gate.load(), busyMs };
  }

  /** Publishes this replica's load (on a heartbeat, and whenever a collection starts or ends). */
  async publishLoad(): Promise<void> {
    try {
      await this.options.loads?.publish(this.load());
    } catch (e) {
      this.options.logger.warn(`Posture: could not publish this replica's collection load: ${(e as Error).message}`);
    }
  }

  private async anotherShouldTake(name: string): Promise<boolean> {
    // whether this replica would queue the collection behind its own (slots or memory; CollectionGate)
    const waits = this.gate.wouldWait(name);
    if (!this.options.loads) return waits;
    const mine = this.load();
    try {
      const others = await this.options.loads.others();
      // queued here, it starts when one of this replica's collections ends: a replica with fewer running or
      // waiting would start it sooner, or queue it behind fewer. One with as many would not, and passing it
      // there only makes it bounce: with collections bounded by memory, every replica may be one that waits
      if (waits) return others.length === 0 || others.some(other => other.running < mine.running);
      return others.some(other => lessLoaded(other, mine));
    } catch (e) {
      // without the others' loads, run it here rather than pass it around blind
      this.options.logger.warn(`Posture: could not read the other replicas' collection loads: ${(e as Error).message}`);
      return waits;
    }
  }

  private mayHandBack(name: string): boolean {
    const now = Date.now();
    const recent = (this.handBacks.get(name) ?? []).filter(t => now - t < HAND_BACK_WINDOW_MS);
    if (recent.length >= HAND_BACKS) {
      this.handBacks.delete(name);
      return false;
    }
    recent.push(now);
    this.handBacks.set(name, recent);
    return true;
  }

  /** Collects one cluster, waiting for a slot; the signal is the scheduler's. */
  runCluster(name: string, signal?: AbortSignal): Promise<RunSummary> {
    const source = this.options.sources.find(s => s.name === name);
    if (!source) return Promise.reject(new Error(`No posture cluster named ${name}`));
    return this.once(name, async () => {
      // one replica may claim many due tasks at once; its memory and CPU stay bounded by running
      // only a few of them at a time (the wait counts against the task's timeout)
      if (this.gate.wouldWait(name)) {
        const need = this.gate.expectedNeed(name);
        this.options.logger.info(
          `Posture: collection of cluster ${name} waits for this replica's running collections` +
            (need !== undefined ? ` (its last one needed ${Math.round(need / 1048576)} MiB)` : ''),
        );
      }
      const acquired = this.gate.acquire(name, signal);
      void this.publishLoad();
      const admission = await acquired;
      const busy: { start: number; end?: number } = { start: Date.now() };
      this.busy.push(busy);
      try {
        return await this.collectAndSave([source], signal, admission.report);
      } finally {
        busy.end = Date.now();
        admission.release();
        void this.publishLoad();
      }
    });
  }

  private once(key: string, fn: () => Promise<RunSummary>): Promise<RunSummary> {
    let p = this.running.get(key);
    if (!p) {
      p = fn().finally(() => this.running.delete(key));
      this.running.set(key, p);
    }
    return p;
  }

  /** `onMemory`: told the memory of the collection's thread (one cluster's run; see CollectionGate) */
  private async collectAndSave(
    selected: ClusterSource[],
    signal?: AbortSignal,
    onMemory?: (bytes: number, final?: boolean) => void,
  ): Promise<RunSummary> {
    const { sources, store, logger, config, checks, clusterConfigs } = this.options;
    const startedAt = new Date();
    const now = startedAt.getTime();
    const collectedAt = startedAt.toISOString();
    const clusterNames = sources.map(s => s.name);
    const stored = await store.listEntityRefs();
    const items = await this.readCatalog(stored);
    const selectors = await mapInTurns(items, entity => ({
      entity,
      ref: stringifyEntityRef(entity),
      sel: entitySelector(entity, clusterNames),
    }));
    const previous = new Map((await store.getClusterStatuses()).map(s => [s.name, s]));
    // Clusters gone from the config would otherwise keep their rows, and count in every combined score,
    // forever. Only those no replica has tried for two intervals: during a rolling deploy that adds a
    // cluster, the replicas still on the old config would otherwise delete it on every run while the new
    // ones write it back, its scores and history swinging with each.
    const configured = new Set(clusterNames);
    const { frequency, timeout } = this.options.config.schedule;
    const abandonedBefore = now - 2 * durationMs(frequency) - durationMs(timeout);
    const removedClusters = [...previous.values()]
      .filter(s => !configured.has(s.name))
      .filter(s => s.lastAttemptAt === null || !(Date.parse(s.lastAttemptAt) >= abandonedBefore))
      .map(s => s.name);

    const outcomes = await Promise.all(
      selected.map(source => {
        const entities = [];
        for (const { ref, sel } of selectors) {
          if (sel.selector && sel.match.clusters.includes(source.name)) {
            entities.push({ entityRef: ref, match: sel.match });
          }
        }
        return collectCluster(
          source,
          { cluster: configFor(clusterConfigs, source), entities, engine: config.engine, now, collectedAt },
          { signal, checks, config: clusterConfigs?.find(c => c.name === source.name), workerThreads: config.workerThreads, onMemory },
        );
      }),
    );
    signal?.throwIfAborted();

    const perCluster = new Map<string, Map<string, EntityInCluster>>();
    const statuses: ClusterStatus[] = [];
    for (const o of outcomes) {
      const source = selected.find(s => s.name === o.cluster)!;
      statuses.push(this.statusFor(source, o, previous.get(o.cluster), startedAt));
      if (!o.ok) {
        logger.warn(`Posture collection from cluster ${o.cluster} failed: ${o.error}`);
        continue;
      }
      for (const w of o.result.warnings) logger.warn(`Posture cluster ${o.cluster}: ${w}`);
      perCluster.set(o.cluster, new Map(o.result.entities));
    }

    const entities: SaveRunEntity[] = [];
    await forEachInTurns(selectors, s => entities.push(this.scoreEntity(s.entity, s.ref, s.sel, perCluster, now)));
    await markSharedClaims(entities);
    const { absent, removedEntityRefs } = await this.applyAbsence(stored, entities, startedAt);
    // while some cluster has never been attempted (the first cycle), the store holds back the
    // history point of the entities that may live there until the last of their clusters is in
    let historyWaitsFor: Record<string, string[]> | undefined;
    if (clusterNames.some(n => !previous.has(n))) {
      historyWaitsFor = {};
      for (const { ref, sel } of selectors) {
        if (sel.selector) historyWaitsFor[ref] = sel.match.clusters;
      }
    }

    // a cancelled or timed-out task must not save: the next run starts from the data as it was
    signal?.throwIfAborted();
    const saveStarted = Date.now();
    const saved = await store.saveRun({
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      clusterStatuses: statuses,
      entities,
      removedEntityRefs,
      removedClusters,
      historyWaitsFor,
      retentionDays: config.historyRetentionDays,
      // the combined score over fresh rows and the kept rows of the entity's other clusters
      scoring: { weights: config.engine.weights, pssLevelOf: this.pssLevelOf },
    });
    if (removedEntityRefs.length > 0) await store.clearEntitiesAbsent(removedEntityRefs);
    if (saved.regressions.length > 0) {
      if (this.options.onRegressions) await this.options.onRegressions(saved.regressions);
      else for (const r of saved.regressions) logger.warn(`Posture regression: ${JSON.stringify(r)}`);
    }
    const summary: RunSummary = {
      clusters: outcomes.map(o => ({
        name: o.cluster,
        ok: o.ok,
        ...(o.ok ? {} : { error: o.error }),
        objects: o.ok ? o.result.objects : 0,
        durationMs: o.durationMs,
        ...(o.ok && o.result.bytesRead !== undefined ? { bytesRead: o.result.bytesRead } : {}),
      })),
      entities: entities.length,
      changed: saved.changed.length,
      regressions: saved.regressions,
      absent: absent.length,
      removed: removedEntityRefs.length,
      saveMs: Date.now() - saveStarted,
    };
    logger.info(
      `Posture collection: ${summary.clusters.filter(c => c.ok).length}/${summary.clusters.length} clusters (${selected.map(s => s.name).join(', ')}), ${summary.entities} entities, ${summary.changed} changed, ${summary.absent} absent from the catalog, ${summary.removed} removed; saved in ${summary.saveMs} ms`,
    );
    return summary;
  }

  /**
   * The catalog's scored entities. An answer that drops more than half of the entities scored so
   * far (a permission policy filtering the plugin's reads, a catalog mid-restart) is logged and
   * read again before it is used; even then those entities are only marked absent (applyAbsence).
   */
  private async readCatalog(stored: string[]): Promise<Entity[]> {
    const { catalog, auth, logger } = this.options;
    const read = async () => {
      const credentials = await auth.getOwnServiceCredentials();
      return (await catalog.getEntities({ filter: { kind: SCORED_KINDS } }, { credentials })).items;
    };
    const missing = async (items: Entity[]) => {
      const seen = new Set<string>();
      await forEachInTurns(items, e => seen.add(stringifyEntityRef(e).toLocaleLowerCase('en-US')));
      let n = 0;
      for (const r of stored) if (!seen.has(r)) n++;
      return n;
    };
    const first = await read();
    const lost = await missing(first);
    if (stored.length < SHRINK_GUARD_MIN || lost * 2 <= stored.length) return first;
    logger.warn(
      `Posture: the catalog answered ${first.length} entities, without ${lost} of the ${stored.length} scored so far; reading it again before applying that`,
    );
    const second = await read();
    const lostAgain = await missing(second);
    logger.warn(
      lostAgain * 2 > stored.length
        ? `Posture: a second catalog read confirms ${lostAgain} entities missing; they keep their data for the removal grace period`
        : `Posture: a second catalog read has ${second.length} entities (${lostAgain} missing); using it`,
    );
    return second;
  }

  /**
   * Entities scored before and missing from the catalog now are marked absent, not deleted; they
   * are deleted only once absent for the grace period, as recorded by an earlier run, so the run
   * that first misses an entity never deletes its history.
   */
  private async applyAbsence(
    stored: string[],
    entities: EntityScorecard[],
    startedAt: Date,
  ): Promise<{ absent: string[]; removedEntityRefs: string[] }> {
    const { store, config } = this.options;
    const present = new Set(entities.map(e => e.entityRef.toLocaleLowerCase('en-US')));
    const absent = stored.filter(r => !present.has(r.toLocaleLowerCase('en-US')));
    const known = await store.listAbsentEntities();
    const back = known.filter(a => present.has(a.entityRef.toLocaleLowerCase('en-US'))).map(a => a.entityRef);
    if (back.length > 0) await store.clearEntitiesAbsent(back);
    if (absent.length > 0) await store.markEntitiesAbsent(absent, startedAt.toISOString());
    const since = new Map(known.map(a => [a.entityRef, a.missingSince]));
    const cutoff = startedAt.getTime() - config.removalGraceMs;
    const removedEntityRefs = absent.filter(r => {
      const s = since.get(r);
      return s !== undefined && Date.parse(s) < startedAt.getTime() && Date.parse(s) <= cutoff;
    });
    return { absent, removedEntityRefs };
  }

  private statusFor(
    source: ClusterSource,
    o: CollectionOutcome,
    prev: ClusterStatus | undefined,
    at: Date,
  ): ClusterStatus {
    if (o.ok) {
      return {
        name: o.cluster,
        type: source.type,
        collectedAt: at.toISOString(),
        lastAttemptAt: at.toISOString(),
        durationMs: o.durationMs,
        objectCounts: o.result.objectCounts,
        error: null,
        stale: false,
      };
    }
    return {
      name: o.cluster,
      type: source.type,
      collectedAt: prev?.collectedAt ?? null,
      lastAttemptAt: at.toISOString(),
      durationMs: o.durationMs,
      objectCounts: prev?.objectCounts ?? {},
      error: o.error,
      stale: true,
    };
  }

  private scoreEntity(
    entity: Entity,
    entityRef: string,
    sel: ReturnType<typeof entitySelector>,
    perCluster: Map<string, Map<string, EntityInCluster>>,
    now: number,
  ): SaveRunEntity {
    const clusters: ClusterScorecard[] = [];
    // each cluster's results stay the JSON text the collection thread made; the combined score
    // adds up their tallies
    const serialised: Record<string, SerialisedClusterResults> = {};
    let tally: ScoreTally | undefined;
    if (sel.selector) {
      for (const cluster of sel.match.clusters) {
        const scored = perCluster.get(cluster)?.get(entityRef);
        if (!scored) continue;
        clusters.push(scored.scorecard);
        serialised[cluster] = scored.results;
        tally = tally ? mergeTallies(tally, scored.results.tally) : scored.results.tally;
        // a cluster that failed, or that another task collects, keeps its last good rows in the store
      }
    }
    const spec = (entity.spec ?? {}) as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === 'string' && v ? v : null);
    const ref = (v: unknown, defaultKind: string) => {
      const s = str(v);
      if (!s) return null;
      try {
        return stringifyEntityRef(
          parseEntityRef(s, { defaultKind, defaultNamespace: entity.metadata.namespace ?? 'default' }),
        );
      } catch {
        return s;
      }
    };
    let state: EntityScorecard['state'] = 'scored';
    // a broken selector is not "no annotations": the entity asked to be scored and could not be
    if (!sel.selector) state = sel.error ? 'no-workloads' : 'no-annotations';
    else if (clusters.length === 0) state = 'no-workloads';
    return {
      entityRef,
      kind: entity.kind,
      namespace: entity.metadata.namespace ?? 'default',
      name: entity.metadata.name,
      title: str(entity.metadata.title),
      owner: ref(spec.owner, 'group'),
      system: ref(spec.system, 'system'),
      lifecycle: str(spec.lifecycle),
      match: sel.error ? { ...sel.match, error: sel.error } : sel.match,
      state,
      combined: tally ? scorecardOf(tally) : null,
      clusters,
      results: [],
      serialised,
      updatedAt: new Date(now).toISOString(),
      lastChangedAt: null,
    };
  }
}

/** hand-backs of one cluster's task per replica and window before it waits for a slot instead */
const HAND_BACKS = 3;
const HAND_BACK_WINDOW_MS = 120_000;

/** The job's cluster config; a source built in code (tests) has none, and is then used in process. */
function configFor(configs: ClusterConfig[] | undefined, source: ClusterSource): ClusterConfig {
  return configs?.find(c => c.name === source.name) ?? { type: 'manifests', name: source.name, path: '.' };
}

