import {
  HttpAuthService,
  LoggerService,
  PermissionsService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { NotAllowedError, NotFoundError, isError, toError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  CampaignDefinition,
  CheckMetadata,
  CheckOwnerFailures,
  postureClusterReadPermission,
  postureRefreshPermission,
  postureScorecardReadPermission,
} from '@posture-dev/backstage-plugin-posture-common';
import express from 'express';
import Router from 'express-promise-router';
import { randomBytes } from 'node:crypto';
import { overviewCsv } from './csv';
import {
  entityParamsSchema,
  groupQuerySchema,
  exemptionsQuerySchema,
  historyQuerySchema,
  noQuerySchema,
  overviewQuerySchema,
  parseInput,
} from './validation';
import { PostureStoreApi } from './storeApi';
import type { SerialisedBody } from '../store/readCache';
import { OrgDirectory } from '../org/directory';
import { CampaignService, CampaignStates } from '../campaigns/service';
import { addRollupRoutes, coverageFor, ownersFor } from './rollupRoutes';

/** Pre-serialised reads a store may offer (PostureStore does); the router falls back to the object API. */
interface SerialisedReads {
  getEntityJson(entityRef: string, isOld?: (collectedAt: string | null) => boolean): Promise<SerialisedBody | undefined>;
  listOverviewJson(query: Parameters<PostureStoreApi['listOverview']>[0]): Promise<SerialisedBody>;
}

/** Failing entities listed per check in GET /checks; `failingEntities` always has the full count. */
export const CHECK_ENTITY_REFS_LIMIT = 50;

/**
 * Keeps `limit` refs over all owners, taken in turns (one per owner per round), so that every
 * owner with failures gets some of its services named, not only the owner with the most.
 * The counts stay whole.
 */
export function shareRefs(groups: CheckOwnerFailures[], limit: number): CheckOwnerFailures[] {
  const kept = groups.map(() => 0);
  let left = limit;
  for (let round = 0, took = true; left > 0 && took; round++) {
    took = false;
    for (let i = 0; i < groups.length && left > 0; i++) {
      if (round < groups[i].entityRefs.length) {
        kept[i]++;
        left--;
        took = true;
      }
    }
  }
  return groups.map((g, i) => ({ ...g, entityRefs: g.entityRefs.slice(0, kept[i]) }));
}

/** Bodies smaller than this are sent as they are, as by the compression middleware's default threshold. */
const GZIP_MIN_BYTES = 1024;

/**
 * Sends JSON the store serialised once, without parsing, serialising or hashing it again. With the
 * store's entity tag set, express skips computing one and answers a matching If-None-Match with 304.
 * A shared (cached) body goes gzipped to a client that accepts gzip, from the copy compressed once
 * for every request: behind Backstage's root router the compression middleware would otherwise
 * deflate the same scorecard again for each request, and it leaves a response that already has a
 * Content-Encoding alone.
 */
async function sendJson(req: express.Request, res: express.Response, s: SerialisedBody) {
  if (s.etag) res.set('ETag', s.etag);
  res.type('json');
  if (s.gzip && s.length >= GZIP_MIN_BYTES) {
    res.vary('Accept-Encoding');
    if (req.headers['accept-encoding'] && req.acceptsEncodings('gzip', 'identity') === 'gzip') {
      const gzipped = await s.gzip().catch(() => undefined);
      if (gzipped) {
        res.set('Content-Encoding', 'gzip');
        // the ETag is weak: both encodings are the same scorecard, so a 304 holds for either
        if (req.fresh) {
          res.status(304).end();
          return;
        }
        res.set('Content-Length', String(gzipped.length));
        res.end(gzipped);
        return;
      }
    }
  }
  res.send(s.plain ? await s.plain() : s.body);
}

export interface RouterOptions {
  store: PostureStoreApi;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  logger: LoggerService;
  /** the active check catalog */
  checks: () => CheckMetadata[];
  /** starts a collection; resolves when it has been accepted, or with when to retry when refused */
  triggerRefresh: () => Promise<void | { retryAfterMs: number }>;
  /** data older than this is stale even when its last collection succeeded (the schedule stopped) */
  staleAfterMs?: number;
  /** the group hierarchy and tags from the catalog; without it a group rolls up only what it owns itself */
  org?: OrgDirectory;
  /** `posture.campaigns` */
  campaigns?: CampaignDefinition[];
  /** recorded met/short states of check-target campaigns, for their burn-down */
  campaignStates?: CampaignStates;
  /**
   * How many cluster sources the app configures. GET /setup reports it so that the UI can say
   * "no cluster configured" instead of showing an empty overview that looks like "not collected yet".
   */
  configuredClusters?: number;
}

/** Without a catalog: every group stands alone, and no entity is known to carry a tag. */
const standaloneOrg: OrgDirectory = {
  groupTree: async ref => [ref.toLocaleLowerCase('en-US')],
  childGroups: async () => [],
  entitiesTagged: async () => new Set(),
};

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
  sharedClaims?: () => Promise<Map<string, string[]>>,
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
  // an entity that shares a workload with one the caller may not read would show that workload
  if (sharedClaims) {
    for (const [ref, others] of await sharedClaims()) {
      if (allowed.has(ref) && others.some(o => !allowed.has(o))) allowed.delete(ref);
    }
  }
  return allowed;
}

/**
 * The 404 of an entity with no posture recorded: an expected answer, asked for by every catalog page
 * of an entity Posture does not score, not a fault. Its stack is never useful, and capturing it
 * (CustomErrorBase captures twice) costs ~10 µs at an express handler's depth, against ~2 µs without.
 */
function noPostureFor(entityRef: string): NotFoundError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new NotFoundError(`No posture recorded for ${entityRef}`);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

export async function createRouter(options: RouterOptions): Promise<express.Router> {
  const { store, httpAuth, permissions, logger } = options;
  const serialised = store as PostureStoreApi & Partial<SerialisedReads>;
  const router = Router();
  const org = options.org ?? standaloneOrg;
  const isOld = (collectedAt: string | null) =>
    options.staleAfterMs !== undefined &&
    collectedAt !== null &&
    Date.now() - Date.parse(collectedAt) > options.staleAfterMs;
  router.use(express.json({ limit: '10kb' }));
  // scorecards are per-user (permission-filtered): no shared cache and no disk copy may keep them
  router.use((req, res, next) => {
    if (req.path !== '/health') res.set('Cache-Control', 'private, no-store');
    next();
  });

  const sharedClaimsOf = store.sharedClaims ? () => store.sharedClaims!() : undefined;

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
    // its workloads are also another entity's: shown only to a caller who may read that one too
    const shared = (await store.sharedClaims?.())?.get(entityRef) ?? [];
    if (shared.length > 0) {
      const decisions = await permissions.authorize(
        shared.map(resourceRef => ({ permission: postureScorecardReadPermission, resourceRef })),
        { credentials },
      );
      if (decisions.some(d => d.result !== AuthorizeResult.ALLOW)) {
        throw new NotAllowedError(
          `You may not read the posture of ${entityRef}: its selector claims workloads of entities you may not read`,
        );
      }
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
    parseInput(noQuerySchema, req.query, 'scorecard query');
    if (serialised.getEntityJson) {
      const json = await serialised.getEntityJson(entityRef, isOld);
      if (json === undefined) throw noPostureFor(entityRef);
      await sendJson(req, res, json);
      return;
    }
    const scorecard = await store.getEntity(entityRef);
    if (scorecard) {
      scorecard.clusters = scorecard.clusters.map(c => ({ ...c, stale: c.stale || isOld(c.collectedAt) }));
    }
    if (!scorecard) throw noPostureFor(entityRef);
    res.json(scorecard);
  });

  router.get('/entities/:kind/:namespace/:name/history', async (req, res) => {
    const entityRef = await requireEntity(req);
    const q = parseInput(historyQuerySchema, req.query, 'history query');
    res.json({ entityRef, points: await store.getHistory(entityRef, q) });
  });

  const exemptions = async () => (store.listExemptions ? store.listExemptions() : []);

  /** The `exempted` filter as a narrower set of refs: entities with (or without) an exempt result. */
  const byExemption = async (exempted: boolean, allowed: Set<string> | undefined) => {
    const withExempt = new Set(
      (await exemptions())
        .filter(e => !e.expired)
        .map(e => e.entityRef),
    );
    const base = allowed ?? new Set(await store.listEntityRefs());
    return new Set([...base].filter(ref => withExempt.has(ref) === exempted));
  };

  const overviewQuery = async (req: express.Request) => {
    const { exempted, ...query } = parseInput(overviewQuerySchema, req.query, 'overview query');
    const credentials = await httpAuth.credentials(req);
    let allowedRefs = await readableRefs(permissions, credentials, () => store.listEntityRefs(), sharedClaimsOf);
    if (exempted !== undefined) allowedRefs = await byExemption(exempted, allowedRefs);
    return { ...query, allowedRefs };
  };

  router.get('/overview', async (req, res) => {
    const query = await overviewQuery(req);
    if (serialised.listOverviewJson) await sendJson(req, res, await serialised.listOverviewJson(query));
    else res.json(await store.listOverview(query));
  });

  router.get('/overview.csv', async (req, res) => {
    // every matching row, not one page
    const rows = await store.overviewCsvRows(await overviewQuery(req));
    res.type('text/csv; charset=utf-8').attachment('posture-overview.csv').send(overviewCsv(rows));
  });

  // the overview's filters apply; sorting and paging do not (one row per team)
  router.get('/right-sizing', async (req, res) => {
    res.json(await store.getRightSizing(await overviewQuery(req)));
  });

  router.get('/groups/:namespace/:name', async (req, res) => {
    const p = parseInput(entityParamsSchema, { kind: 'group', ...req.params }, 'group reference');
    const groupRef = `group:${p.namespace}/${p.name}`.toLocaleLowerCase('en-US');
    // the whole subtree by default: a department owns little itself
    const scope = parseInput(groupQuerySchema, req.query, 'group query').scope ?? 'tree';
    const owners = await ownersFor(org, groupRef, scope);
    const credentials = await httpAuth.credentials(req);
    const allowedRefs = await readableRefs(permissions, credentials, () => store.listEntityRefs(), sharedClaimsOf);
    const rollup = await store.getGroupRollup(groupRef, { allowedRefs, checks: options.checks(), owners });
    res.json({ ...rollup, ...(await coverageFor(org, groupRef, scope, owners, rollup.entities)) });
  });

  router.get('/checks', async (req, res) => {
    parseInput(noQuerySchema, req.query, 'checks query');
    const credentials = await httpAuth.credentials(req);
    const allowedRefs = await readableRefs(permissions, credentials, () => store.listEntityRefs(), sharedClaimsOf);
    const summaries = await store.listCheckSummaries(options.checks(), { allowedRefs });
    // the full lists ran to megabytes; the UI links to the first few and shows the count
    res.json({
      checks: summaries.map(s => ({
        ...s,
        entityRefs: s.entityRefs.slice(0, CHECK_ENTITY_REFS_LIMIT),
        ...(s.failingByOwner && { failingByOwner: shareRefs(s.failingByOwner, CHECK_ENTITY_REFS_LIMIT) }),
      })),
    });
  });

  router.get('/exemptions', async (req, res) => {
    const q = parseInput(exemptionsQuerySchema, req.query, 'exemptions query');
    const credentials = await httpAuth.credentials(req);
    const allowed = await readableRefs(permissions, credentials, () => store.listEntityRefs(), sharedClaimsOf);
    const refs = q.entityRef?.map(r => r.toLocaleLowerCase('en-US'));
    const list = (await exemptions()).filter(
      e =>
        (!allowed || allowed.has(e.entityRef)) &&
        (!refs || refs.includes(e.entityRef)) &&
        (!q.source || q.source.includes(e.source)) &&
        (q.expired === undefined || e.expired === q.expired),
    );
    res.json({ total: list.length, exemptions: list });
  });

  router.get('/clusters', async (req, res) => {
    parseInput(noQuerySchema, req.query, 'clusters query');
    await requireBasic(req, postureClusterReadPermission);
    const statuses = await store.getClusterStatuses();
    res.json({ clusters: statuses.map(c => ({ ...c, stale: c.stale || isOld(c.collectedAt) })) });
  });

  // Only a count, never names or URLs: any signed-in user may learn whether Posture is set up at all.
  router.get('/setup', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    parseInput(noQuerySchema, req.query, 'setup query');
    res.json({ clustersConfigured: options.configuredClusters ?? 0 });
  });

  router.post('/refresh', async (req, res) => {
    parseInput(noQuerySchema, req.query, 'refresh query');
    await requireBasic(req, postureRefreshPermission);
    const refused = await options.triggerRefresh();
    if (refused) {
      const seconds = Math.max(1, Math.ceil(refused.retryAfterMs / 1000));
      res.set('Retry-After', String(seconds));
      res.status(429).json({
        error: { name: 'TooManyRequestsError', message: `A collection was triggered moments ago; retry in ${seconds} s` },
        // Backstage's error body shape, so that ResponseError hands the message above to the UI
        response: { statusCode: 429 },
      });
      return;
    }
    logger.info('Posture collection triggered through POST /refresh');
    res.status(202).json({ status: 'accepted' });
  });

  addRollupRoutes(router, {
    store,
    httpAuth,
    org,
    campaigns: new CampaignService({
      store,
      org,
      campaigns: options.campaigns ?? [],
      checks: options.checks,
      states: options.campaignStates,
    }),
    readable: credentials => readableRefs(permissions, credentials, () => store.listEntityRefs(), sharedClaimsOf),
    requireEntity,
  });

  router.use(internalErrorFilter(logger));
  return router;
}

/**
 * Keeps internals out of error bodies, whatever NODE_ENV says: a client error (4xx) keeps its
 * message but never its stack; anything else (a database error quoting its SQL, a TypeError) is
 * logged in full under an id and answered with that id only. Backstage's own handler filters only
 * PostgreSQL's DatabaseError and shows stacks whenever NODE_ENV is development.
 */
export function internalErrorFilter(logger: LoggerService): express.ErrorRequestHandler {
  return (err: unknown, _req, _res, next) => {
    if (isDeliberate(err)) {
      delete (err as Error).stack;
      next(err);
      return;
    }
    const logId = randomBytes(8).toString('hex');
    logger.error(`Posture request failed (logId=${logId})`, toError(err) as Error);
    const filtered = new Error(`An internal error occurred (logId=${logId}); the backend log has the details`);
    delete filtered.stack;
    next(filtered);
  };
}

/** Errors the API throws on purpose, with a message written for the caller. */
const DELIBERATE = new Set([
  'NotModifiedError',
  'InputError',
  'AuthenticationError',
  'NotAllowedError',
  'NotFoundError',
  'ConflictError',
  'NotImplementedError',
  'ServiceUnavailableError',
]);

/**
 * One of Backstage's named errors, or a client error express or body-parser raised about this
 * request (a malformed %-escape, a body too large: they carry a 4xx status). A ResponseError from
 * a call this plugin made (the permission backend, the catalog) also has a 4xx status, but it
 * describes that call: it is an internal error of this request, and its nested bodies and URLs
 * stay in the log.
 */
function isDeliberate(err: unknown): boolean {
  if (!isError(err) || err.name === 'ResponseError') return false;
  if (DELIBERATE.has(err.name)) return true;
  const e = err as unknown as Record<string, unknown>;
  const status = e.statusCode ?? e.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}
