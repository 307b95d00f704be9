import {
  HttpAuthService,
  LoggerService,
  PermissionsService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  CheckMetadata,
  postureClusterReadPermission,
  postureRefreshPermission,
  postureScorecardReadPermission,
} from '@posture-dev/backstage-plugin-posture-common';
import express from 'express';
import Router from 'express-promise-router';
import { overviewCsv } from './csv';
import {
  entityParamsSchema,
  historyQuerySchema,
  overviewQuerySchema,
  parseInput,
} from './validation';
import { PostureStoreApi } from './storeApi';
import type { SerialisedBody } from '../store/readCache';

/** Pre-serialised reads a store may offer (PostureStore does); the router falls back to the object API. */
interface SerialisedReads {
  getEntityJson(entityRef: string, isOld?: (collectedAt: string | null) => boolean): Promise<SerialisedBody | undefined>;
  listOverviewJson(query: Parameters<PostureStoreApi['listOverview']>[0]): Promise<SerialisedBody>;
}

/** Failing entities listed per check in GET /checks; `failingEntities` always has the full count. */
export const CHECK_ENTITY_REFS_LIMIT = 50;

/**
 * Sends JSON the store serialised once, without parsing, serialising or hashing it again. With the
 * store's entity tag set, express skips computing one and answers a matching If-None-Match with 304.
 */
function sendJson(res: express.Response, { body, etag }: SerialisedBody) {
  if (etag) res.set('ETag', etag);
  res.type('json').send(body);
}

export interface RouterOptions {
  store: PostureStoreApi;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  logger: LoggerService;
  /** the active check catalog */
  checks: () => CheckMetadata[];
  /** starts a collection; resolves when it has been accepted */
  triggerRefresh: () => Promise<void>;
  /** data older than this is stale even when its last collection succeeded (the schedule stopped) */
  staleAfterMs?: number;
  /**
   * How many cluster sources the app configures. GET /setup reports it so that the UI can say
   * "no cluster configured" instead of showing an empty overview that looks like "not collected yet".
   */
  configuredClusters?: number;
}

/**
 * The entity refs the caller may read, or undefined for "all of them". A
 * conditional policy (e.g. owners only) is resolved per entity by the
 * permission framework, so rows a user may not read never leave the store.
 * An outright DENY is a 403, like every other route: an empty 200 would look
 * like "nothing collected yet" to a caller who simply lacks the permission.
 */
export async function readableRefs(
  permissions: PermissionsService,
  credentials: BackstageCredentials,
  candidates: () => Promise<string[]>,
): Promise<Set<string> | undefined> {
  const [decision] = await permissions.authorizeConditional(
    [{ permission: postureScorecardReadPermission }],
    { credentials },
  );
  if (decision.result === AuthorizeResult.ALLOW) return undefined;
  if (decision.result === AuthorizeResult.DENY) {
    throw new NotAllowedError(`Missing permission ${postureScorecardReadPermission.name}`);
  }
  const refs = await candidates();
  const allowed = new Set<string>();
  const CHUNK = 500;
  for (let i = 0; i < refs.length; i += CHUNK) {
    const chunk = refs.slice(i, i + CHUNK);
    const decisions = await permissions.authorize(
      chunk.map(resourceRef => ({ permission: postureScorecardReadPermission, resourceRef })),
      { credentials },
    );
    decisions.forEach((d, k) => {
      if (d.result === AuthorizeResult.ALLOW) allowed.add(chunk[k]);
    });
  }
  return allowed;
}

export async function createRouter(options: RouterOptions): Promise<express.Router> {
  const { store, httpAuth, permissions, logger } = options;
  const serialised = store as PostureStoreApi & Partial<SerialisedReads>;
  const router = Router();
  const isOld = (collectedAt: string | null) =>
    options.staleAfterMs !== undefined &&
    collectedAt !== null &&
    Date.now() - Date.parse(collectedAt) > options.staleAfterMs;
  router.use(express.json({ limit: '10kb' }));

  const requireEntity = async (req: express.Request) => {
    const p = parseInput(entityParamsSchema, req.params, 'entity reference');
    const entityRef = `${p.kind}:${p.namespace}/${p.name}`.toLocaleLowerCase('en-US');
    const credentials = await httpAuth.credentials(req);
    const [decision] = await permissions.authorize(
      [{ permission: postureScorecardReadPermission, resourceRef: entityRef }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`You may not read the posture of ${entityRef}`);
    }
    return entityRef;
  };

  const requireBasic = async (req: express.Request, permission: typeof postureRefreshPermission) => {
    const credentials = await httpAuth.credentials(req);
    const [decision] = await permissions.authorize([{ permission }], { credentials });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`Missing permission ${permission.name}`);
    }
  };

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/entities/:kind/:namespace/:name', async (req, res) => {
    const entityRef = await requireEntity(req);
    if (serialised.getEntityJson) {
      const json = await serialised.getEntityJson(entityRef, isOld);
      if (json === undefined) throw new NotFoundError(`No posture recorded for ${entityRef}`);
      sendJson(res, json);
      return;
    }
    const scorecard = await store.getEntity(entityRef);
    if (scorecard) {
      scorecard.clusters = scorecard.clusters.map(c => ({ ...c, stale: c.stale || isOld(c.collectedAt) }));
    }
    if (!scorecard) throw new NotFoundError(`No posture recorded for ${entityRef}`);
    res.json(scorecard);
  });

  router.get('/entities/:kind/:namespace/:name/history', async (req, res) => {
    const entityRef = await requireEntity(req);
    const q = parseInput(historyQuerySchema, req.query, 'history query');
    res.json({ entityRef, points: await store.getHistory(entityRef, q) });
  });

  const overviewQuery = async (req: express.Request) => {
    const query = parseInput(overviewQuerySchema, req.query, 'overview query');
    const credentials = await httpAuth.credentials(req);
    const allowedRefs = await readableRefs(permissions, credentials, () => store.listEntityRefs());
    return { ...query, allowedRefs };
  };

  router.get('/overview', async (req, res) => {
    const query = await overviewQuery(req);
    if (serialised.listOverviewJson) sendJson(res, await serialised.listOverviewJson(query));
    else res.json(await store.listOverview(query));
  });

  router.get('/overview.csv', async (req, res) => {
    // every matching row, not one page
    const rows = await store.overviewCsvRows(await overviewQuery(req));
    res.type('text/csv; charset=utf-8').attachment('posture-overview.csv').send(overviewCsv(rows));
  });

  router.get('/groups/:namespace/:name', async (req, res) => {
    const p = parseInput(entityParamsSchema, { kind: 'group', ...req.params }, 'group reference');
    const groupRef = `group:${p.namespace}/${p.name}`.toLocaleLowerCase('en-US');
    const credentials = await httpAuth.credentials(req);
    const allowedRefs = await readableRefs(permissions, credentials, () => store.listEntityRefs());
    res.json(await store.getGroupRollup(groupRef, { allowedRefs, checks: options.checks() }));
  });

  router.get('/checks', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const allowedRefs = await readableRefs(permissions, credentials, () => store.listEntityRefs());
    const summaries = await store.listCheckSummaries(options.checks(), { allowedRefs });
    // the full lists ran to megabytes; the UI links to the first few and shows the count
    res.json({
      checks: summaries.map(s => ({ ...s, entityRefs: s.entityRefs.slice(0, CHECK_ENTITY_REFS_LIMIT) })),
    });
  });

  router.get('/clusters', async (req, res) => {
    await requireBasic(req, postureClusterReadPermission);
    const statuses = await store.getClusterStatuses();
    res.json({ clusters: statuses.map(c => ({ ...c, stale: c.stale || isOld(c.collectedAt) })) });
  });

  // Only a count, never names or URLs: any signed-in user may learn whether Posture is set up at all.
  router.get('/setup', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json({ clustersConfigured: options.configuredClusters ?? 0 });
  });

  router.post('/refresh', async (req, res) => {
    await requireBasic(req, postureRefreshPermission);
    await options.triggerRefresh();
    logger.info('Posture collection triggered through POST /refresh');
    res.status(202).json({ status: 'accepted' });
  });

  return router;
}
