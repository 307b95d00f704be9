import { BackstageCredentials, HttpAuthService } from '@backstage/backend-plugin-api';
import { GroupScope, OverviewRow } from '@posture-dev/backstage-plugin-posture-common';
import express from 'express';
import { CampaignService } from '../campaigns/service';
import { OrgDirectory } from '../org/directory';
import { rollupCoverage } from '../store/groups';
import { trendFromHistory } from '../store/trends';
import { PostureStoreApi } from './storeApi';
import { campaignParamsSchema, entityParamsSchema, noQuerySchema, parseInput, trendQuerySchema } from './validation';

export interface RollupRouteOptions {
  store: PostureStoreApi;
  httpAuth: HttpAuthService;
  org: OrgDirectory;
  campaigns: CampaignService;
  /** the caller's readable refs (undefined: all), as the other routes decide them */
  readable: (credentials: BackstageCredentials) => Promise<Set<string> | undefined>;
  /** the same per-entity check as GET /entities/...: throws NotAllowedError */
  requireEntity: (req: express.Request) => Promise<string>;
}

const groupRefOf = (req: express.Request) => {
  const p = parseInput(entityParamsSchema, { kind: 'group', ...req.params }, 'group reference');
  return `group:${p.namespace}/${p.name}`.toLocaleLowerCase('en-US');
};

/** The owners a group roll-up covers: the group alone, or the group and every group below it. */
export async function ownersFor(org: OrgDirectory, groupRef: string, scope: GroupScope): Promise<string[]> {
  return scope === 'direct' ? [groupRef] : org.groupTree(groupRef);
}

/** Coverage for GET /groups/...: counts, and each child group's subtree. */
export async function coverageFor(
  org: OrgDirectory,
  groupRef: string,
  scope: GroupScope,
  owners: string[],
  rows: OverviewRow[],
) {
  const children =
    scope === 'tree'
      ? await Promise.all(
          (await org.childGroups(groupRef)).map(async c => ({ groupRef: c, tree: await org.groupTree(c) })),
        )
      : [];
  return rollupCoverage(rows, scope, owners, children);
}

/** Trends and campaigns: additive routes, permission-filtered like the rest (rows limited to readable entities). */
export function addRollupRoutes(router: express.Router, options: RollupRouteOptions) {
  const { store, httpAuth, org, campaigns } = options;
  const readable = async (req: express.Request) => options.readable(await httpAuth.credentials(req));

  const trendOf = async (req: express.Request, owners: string[] | undefined) => {
    const q = parseInput(trendQuerySchema, req.query, 'trend query');
    const allowedRefs = await readable(req);
    let refs: string[] | undefined;
    if (owners) {
      refs = (await store.overviewCsvRows({ owner: owners, allowedRefs })).map(r => r.entityRef);
    } else if (allowedRefs) {
      refs = [...allowedRefs];
    }
    const history = refs && refs.length === 0 ? [] : await store.historyOf(refs, q.from);
    return trendFromHistory(history, new Date().toISOString());
  };

  router.get('/trend', async (req, res) => {
    res.json({ scope: 'org', points: await trendOf(req, undefined) });
  });

  router.get('/groups/:namespace/:name/trend', async (req, res) => {
    const groupRef = groupRefOf(req);
    const scope = req.query.scope === 'direct' ? 'direct' : 'tree';
    res.json({ scope: groupRef, points: await trendOf(req, await ownersFor(org, groupRef, scope)) });
  });

  router.get('/campaigns', async (req, res) => {
    parseInput(noQuerySchema, req.query, 'campaigns query');
    res.json({ campaigns: await campaigns.list(await readable(req)) });
  });

  router.get('/campaigns/:id', async (req, res) => {
    const { id } = parseInput(campaignParamsSchema, req.params, 'campaign id');
    parseInput(noQuerySchema, req.query, 'campaign query');
    res.json(await campaigns.detail(id, await readable(req)));
  });

  router.get('/entities/:kind/:namespace/:name/campaigns', async (req, res) => {
    const entityRef = await options.requireEntity(req);
    parseInput(noQuerySchema, req.query, 'entity campaigns query');
    res.json({ entityRef, campaigns: await campaigns.forEntity(entityRef) });
  });
}
