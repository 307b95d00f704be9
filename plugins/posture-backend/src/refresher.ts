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
} from '@internal/plugin-posture-common';
import { Check, EngineOutput, evaluate } from '@internal/plugin-posture-node';
import { PostureConfig } from './config';
import { CollectionOutcome, collectAll } from './clusters/collect';
import { ClusterSource } from './clusters/types';
import { WorkloadLookup, clusterScorecard, entitySelector } from './mapping';
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
  /** identifies this backend instance in the run lock */
  instanceId?: string;
}

/**
 * One collection run: collect every cluster concurrently, score each
 * snapshot once with the engine, map the results onto catalog entities and
 * save everything in one transaction. A cluster that fails keeps its last
 * good data, marked stale.
 */
export class PostureRefresher {
  private running?: Promise<RunSummary>;

  constructor(private readonly options: RefresherOptions) {}

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
    const owner = this.options.instanceId ?? `posture-${process.pid}`;
    // the lock outlives a crashed holder by its expiry, so a restart mid-run recovers
    const acquired = await store.tryAcquireLock('collection', owner, 15 * 60_000);
    if (!acquired) {
      logger.info('Posture collection skipped: another run holds the lock');
      return { skipped: 'locked', clusters: [], entities: 0, changed: 0, regressions: [] };
    }
    try {
      return await this.collectAndSave();
    } finally {
      await store.releaseLock('collection', owner);
    }
  }

  private async collectAndSave(): Promise<RunSummary> {
    const { sources, store, catalog, auth, logger, config, checks } = this.options;
    const startedAt = new Date();
    const now = startedAt.getTime();
    const outcomes = await collectAll(sources);
    const previous = new Map((await store.getClusterStatuses()).map(s => [s.name, s]));

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
    const failed = new Map(
      outcomes.filter(o => !o.ok).map(o => [o.cluster, (o as { error: string }).error]),
    );

    const credentials = await auth.getOwnServiceCredentials();
    const { items } = await catalog.getEntities({ filter: { kind: SCORED_KINDS } }, { credentials });
    const clusterNames = sources.map(s => s.name);
    const entities: EntityScorecard[] = [];
    for (const entity of items) {
      entities.push(await this.scoreEntity(entity, clusterNames, outputs, failed, now));
    }
    const currentRefs = new Set(entities.map(e => e.entityRef));
    const removedEntityRefs = (await store.listEntityRefs()).filter(r => !currentRefs.has(r));

    const saved = await store.saveRun({
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      clusterStatuses: statuses,
      entities,
      removedEntityRefs,
      retentionDays: config.historyRetentionDays,
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
    failed: Map<string, string>,
    now: number,
  ): Promise<EntityScorecard> {
    const { config, store } = this.options;
    const entityRef = stringifyEntityRef(entity);
    const sel = entitySelector(entity, clusterNames);
    const clusters: ClusterScorecard[] = [];
    const results: CheckResult[] = [];
    let prev: EntityScorecard | undefined | null = null;
    if (sel.selector) {
      for (const cluster of sel.match.clusters) {
        const out = outputs.get(cluster);
        if (out) {
          const workloads = out.lookup.find(sel);
          if (workloads.length === 0) continue;
          const scored = clusterScorecard(entity, cluster, out.output, workloads, config.engine, out.collectedAt, now);
          clusters.push(scored.scorecard);
          results.push(...scored.results);
        } else if (failed.has(cluster)) {
          // keep the last good data of a cluster that failed, marked stale
          if (prev === null) prev = await store.getEntity(entityRef);
          const kept = prev?.clusters.find(c => c.cluster === cluster);
          if (kept) {
            clusters.push({ ...kept, stale: true, error: failed.get(cluster)! });
            results.push(...(prev?.results ?? []).filter(r => r.cluster === cluster));
          }
        }
      }
    }
    const pss = new Map(this.options.checks.map(c => [c.meta.id, c.meta.pssLevel]));
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
    if (!sel.selector) state = 'no-annotations';
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
      match: sel.match,
      state,
      combined:
        clusters.length > 0
          ? scoreResults(results, { weights: config.engine.weights, pssLevelOf: id => pss.get(id) })
          : null,
      clusters,
      results,
      updatedAt: new Date(now).toISOString(),
      lastChangedAt: null,
    };
  }
}
