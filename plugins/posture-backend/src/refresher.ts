import {
  AuthService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { Entity, parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  CheckResult,
  ClusterScorecard,
  ClusterStatus,
  EntityScorecard,
  scoreResults,
} from '@posture-dev/backstage-plugin-posture-common';
import { Check, EngineOutput, evaluate } from '@posture-dev/backstage-plugin-posture-node';
import { PostureConfig } from './config';
import { CollectionOutcome, collectAll } from './clusters/collect';
import { ClusterSource } from './clusters/types';
import { WorkloadLookup, clusterScorecard, entitySelector, markSharedClaims } from './mapping';
import { PostureRunStore, Regression } from './runStoreApi';

/** Catalog kinds that run workloads. */
const SCORED_KINDS = ['Component', 'Resource'];

export interface RunSummary {
  skipped?: 'locked';
  clusters: { name: string; ok: boolean; error?: string; objects: number; durationMs: number }[];
  entities: number;
  changed: number;
  regressions: Regression[];
}

export interface RefresherOptions {
  sources: ClusterSource[];
  store: PostureRunStore;
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  config: PostureConfig;
  checks: Check[];
  /** told about grade or level drops; defaults to logging them */
  onRegressions?: (regressions: Regression[]) => Promise<void>;
  /** how long the run lock lasts without renewal (renewed every third of it); default 10 minutes */
  lockTtlMs?: number;
}

/**
 * One collection run: collect every cluster concurrently, score each
 * snapshot once with the engine, map the results onto catalog entities and
 * save everything in one transaction. A cluster that fails keeps its last
 * good data, marked stale.
 */
export class PostureRefresher {
  private running?: Promise<RunSummary>;
  private readonly pssLevelOf: (checkId: string) => 'baseline' | 'restricted' | undefined;

  constructor(private readonly options: RefresherOptions) {
    const levels = new Map(options.checks.map(c => [c.meta.id, c.meta.pssLevel]));
    this.pssLevelOf = id => levels.get(id);
  }

  /** Runs now, or joins the run already in progress in this process. */
  run(): Promise<RunSummary> {
    if (!this.running) {
      this.running = this.runLocked().finally(() => {
        this.running = undefined;
      });
    }
    return this.running;
  }

  private async runLocked(): Promise<RunSummary> {
    const { store, logger } = this.options;
    let acquired = false;
    try {
      // the lease expires if its holder dies, so a backend restarted mid-run recovers on its next run
      return await store.withLock(
        'collection',
        (_lease, signal) => {
          acquired = true;
          return this.collectAndSave(signal);
        },
        { ttlMs: this.options.lockTtlMs ?? 10 * 60_000, waitMs: 0 },
      );
    } catch (e) {
      // only a lock held by another run means "skipped"; a lock lost mid-run is a failed run
      if (acquired || (e as Error).name !== 'ConflictError') throw e;
      logger.info('Posture collection skipped: another run holds the lock');
      return { skipped: 'locked', clusters: [], entities: 0, changed: 0, regressions: [] };
    }
  }

  private async collectAndSave(lockSignal: AbortSignal): Promise<RunSummary> {
    const { sources, store, catalog, auth, logger, config, checks } = this.options;
    const startedAt = new Date();
    const now = startedAt.getTime();
    const outcomes = await collectAll(sources);
    const previous = new Map((await store.getClusterStatuses()).map(s => [s.name, s]));
    // clusters gone from the config would otherwise keep their rows, and count in every combined score, forever
    const configured = new Set(sources.map(s => s.name));
    const removedClusters = [...previous.keys()].filter(name => !configured.has(name));

    const outputs = new Map<string, { output: EngineOutput; lookup: WorkloadLookup; collectedAt: string }>();
    const statuses: ClusterStatus[] = [];
    for (const o of outcomes) {
      const source = sources.find(s => s.name === o.cluster)!;
      statuses.push(this.statusFor(source, o, previous.get(o.cluster), startedAt));
      if (!o.ok) {
        logger.warn(`Posture collection from cluster ${o.cluster} failed: ${o.error}`);
        continue;
      }
      for (const w of o.snapshot.warnings) logger.warn(`Posture cluster ${o.cluster}: ${w}`);
      const output = evaluate(o.snapshot, checks, { config: config.engine, now });
      outputs.set(o.cluster, {
        output,
        lookup: new WorkloadLookup(output.workloads),
        collectedAt: startedAt.toISOString(),
      });
    }

    const credentials = await auth.getOwnServiceCredentials();
    const { items } = await catalog.getEntities({ filter: { kind: SCORED_KINDS } }, { credentials });
    const clusterNames = sources.map(s => s.name);
    const entities: EntityScorecard[] = [];
    for (const entity of items) {
      entities.push(await this.scoreEntity(entity, clusterNames, outputs, now));
    }
    markSharedClaims(entities);
    const currentRefs = new Set(entities.map(e => e.entityRef));
    const removedEntityRefs = (await store.listEntityRefs()).filter(r => !currentRefs.has(r));

    // whoever took over the lock (ours expired) is collecting too: its save must not race ours
    lockSignal.throwIfAborted();
    const saved = await store.saveRun({
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      clusterStatuses: statuses,
      entities,
      removedEntityRefs,
      removedClusters,
      retentionDays: config.historyRetentionDays,
      // the combined score over fresh rows and the kept rows of clusters that failed
      rescore: results => scoreResults(results, { weights: config.engine.weights, pssLevelOf: this.pssLevelOf }),
    });
    if (saved.regressions.length > 0) {
      if (this.options.onRegressions) await this.options.onRegressions(saved.regressions);
      else for (const r of saved.regressions) logger.warn(`Posture regression: ${JSON.stringify(r)}`);
    }
    const summary: RunSummary = {
      clusters: outcomes.map(o => ({
        name: o.cluster,
        ok: o.ok,
        ...(o.ok ? {} : { error: o.error }),
        objects: o.ok ? o.snapshot.objects.length : 0,
        durationMs: o.durationMs,
      })),
      entities: entities.length,
      changed: saved.changed.length,
      regressions: saved.regressions,
    };
    logger.info(
      `Posture collection: ${summary.clusters.filter(c => c.ok).length}/${summary.clusters.length} clusters, ${summary.entities} entities, ${summary.changed} changed`,
    );
    return summary;
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
        objectCounts: o.snapshot.objectCounts,
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

  private async scoreEntity(
    entity: Entity,
    clusterNames: string[],
    outputs: Map<string, { output: EngineOutput; lookup: WorkloadLookup; collectedAt: string }>,
    now: number,
  ): Promise<EntityScorecard> {
    const { config } = this.options;
    const entityRef = stringifyEntityRef(entity);
    const sel = entitySelector(entity, clusterNames);
    const clusters: ClusterScorecard[] = [];
    const results: CheckResult[] = [];
    if (sel.selector) {
      for (const cluster of sel.match.clusters) {
        const out = outputs.get(cluster);
        if (out) {
          const workloads = out.lookup.find(sel);
          if (workloads.length === 0) continue;
          const scored = clusterScorecard(entity, cluster, out.output, workloads, config.engine, out.collectedAt, now);
          clusters.push(scored.scorecard);
          results.push(...scored.results);
        }
        // a cluster that failed keeps its last good rows in the store, marked stale there
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
      combined:
        clusters.length > 0
          ? scoreResults(results, { weights: config.engine.weights, pssLevelOf: this.pssLevelOf })
          : null,
      clusters,
      results,
      updatedAt: new Date(now).toISOString(),
      lastChangedAt: null,
    };
  }
}
