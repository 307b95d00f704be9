/**
 * The read-only Kubernetes API: routing, discovery, list and get, with the
 * query semantics of the real API server. No HTTP here; server.ts does that.
 */
import {
  decodeContinue,
  encodeContinue,
  InvalidContinueError,
} from './continueToken';
import { RequestTarget, RequestVerb } from './faults';
import {
  ResourceType,
  SERVED_VERBS,
  groupVersionOf,
  resourceKeyOf,
} from './resources';
import {
  SelectorParseError,
  compileFieldSelector,
  matchesLabelRequirements,
  parseFieldSelector,
  parseLabelSelector,
} from './selectors';
import { EXPIRED_CONTINUE_MESSAGE, statusBody } from './status';
import { ClusterStore, KubeObject, keyOf } from './store';

export interface ApiResponse {
  status: number;
  /** JSON body, or a string sent as text/plain. */
  body: unknown;
  headers?: Record<string, string>;
}

export type Route =
  | { type: 'core-versions' }
  | { type: 'group-list' }
  | { type: 'group'; group: string }
  | { type: 'resource-list'; groupVersion: string }
  | { type: 'version' }
  | { type: 'health' }
  | { type: 'collection'; rt: ResourceType; namespace?: string }
  | { type: 'object'; rt: ResourceType; namespace?: string; name: string }
  | { type: 'not-found' };

export interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
  gitCommit: string;
  gitTreeState: string;
  buildDate: string;
  goVersion: string;
  compiler: string;
  platform: string;
}

export const DEFAULT_VERSION: VersionInfo = {
  major: '1',
  minor: '31',
  gitVersion: 'v1.31.4',
  gitCommit: 'a78aa47129b8539636eb86a9d00e31b2720fe06b',
  gitTreeState: 'clean',
  buildDate: '2024-12-10T11:36:19Z',
  goVersion: 'go1.22.9',
  compiler: 'gc',
  platform: 'linux/amd64',
};

export interface ApiContext {
  store: ClusterStore;
  /** Resource types currently served (built-ins plus installed CRDs). */
  served: () => ResourceType[];
  version: VersionInfo;
  serverAddress: string;
}

function decodeSegments(pathname: string): string[] | undefined {
  try {
    return pathname
      .split('/')
      .filter(s => s !== '')
      .map(s => decodeURIComponent(s));
  } catch {
    return undefined;
  }
}

export function route(ctx: ApiContext, pathname: string): Route {
  const seg = decodeSegments(pathname);
  if (!seg) return { type: 'not-found' };
  if (seg.length === 1 && seg[0] === 'version') return { type: 'version' };
  if (seg.length === 1 && ['healthz', 'livez', 'readyz'].includes(seg[0]))
    return { type: 'health' };

  let groupVersion: string;
  let rest: string[];
  if (seg[0] === 'api') {
    if (seg.length === 1) return { type: 'core-versions' };
    if (seg[1] !== 'v1') return { type: 'not-found' };
    groupVersion = 'v1';
    rest = seg.slice(2);
  } else if (seg[0] === 'apis') {
    if (seg.length === 1) return { type: 'group-list' };
    const served = ctx.served();
    if (!served.some(t => t.group === seg[1])) return { type: 'not-found' };
    if (seg.length === 2) return { type: 'group', group: seg[1] };
    groupVersion = `${seg[1]}/${seg[2]}`;
    rest = seg.slice(3);
  } else {
    return { type: 'not-found' };
  }

  const served = ctx.served();
  if (!served.some(t => groupVersionOf(t) === groupVersion))
    return { type: 'not-found' };
  if (rest.length === 0) return { type: 'resource-list', groupVersion };

  const find = (resource: string) =>
    served.find(
      t => groupVersionOf(t) === groupVersion && t.resource === resource,
    );

  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const rt = find(rest[2]);
    // subresources (status, scale, log...) are not served
    if (!rt || !rt.namespaced || rest.length > 4) return { type: 'not-found' };
    return rest.length === 3
      ? { type: 'collection', rt, namespace: rest[1] }
      : { type: 'object', rt, namespace: rest[1], name: rest[3] };
  }
  const rt = find(rest[0]);
  if (!rt || rest.length > 2) return { type: 'not-found' };
  if (rest.length === 1) return { type: 'collection', rt };
  // a namespaced object has no cluster-scoped URL
  if (rt.namespaced) return { type: 'not-found' };
  return { type: 'object', rt, name: rest[1] };
}

export function describeTarget(
  r: Route,
  method: string,
  path: string,
  query: Record<string, string>,
): RequestTarget {
  let verb: RequestVerb = 'other';
  const t: RequestTarget = { method, path, query, verb };
  switch (r.type) {
    case 'core-versions':
    case 'group-list':
    case 'group':
    case 'resource-list':
      verb = 'discovery';
      break;
    case 'version':
      verb = 'version';
      break;
    case 'health':
      verb = 'health';
      break;
    case 'collection':
    case 'object':
      verb = r.type === 'collection' ? 'list' : 'get';
      t.resource = resourceKeyOf(r.rt);
      t.kind = r.rt.kind;
      t.group = r.rt.group;
      t.namespace = r.namespace;
      if (r.type === 'object') t.name = r.name;
      break;
    default:
      break;
  }
  t.verb = verb;
  return t;
}

export function notFoundPath(): ApiResponse {
  return {
    status: 404,
    body: statusBody(404, 'the server could not find the requested resource', {
      details: {},
    }),
  };
}

function resourceName(rt: ResourceType): string {
  return rt.group ? `${rt.resource}.${rt.group}` : rt.resource;
}

function groupVersions(served: ResourceType[]) {
  const groups = new Map<string, string[]>();
  for (const t of served) {
    if (!t.group) continue;
    const versions = groups.get(t.group) ?? [];
    if (!versions.includes(t.version)) versions.push(t.version);
    groups.set(t.group, versions);
  }
  return groups;
}

function apiGroup(name: string, versions: string[]) {
  const list = versions.map(v => ({
    groupVersion: `${name}/${v}`,
    version: v,
  }));
  return { name, versions: list, preferredVersion: list[0] };
}

function discovery(ctx: ApiContext, r: Route): ApiResponse {
  const served = ctx.served();
  switch (r.type) {
    case 'core-versions':
      return {
        status: 200,
        body: {
          kind: 'APIVersions',
          versions: ['v1'],
          serverAddressByClientCIDRs: [
            { clientCIDR: '0.0.0.0/0', serverAddress: ctx.serverAddress },
          ],
        },
      };
    case 'group-list':
      return {
        status: 200,
        body: {
          kind: 'APIGroupList',
          apiVersion: 'v1',
          groups: [...groupVersions(served)].map(([name, versions]) =>
            apiGroup(name, versions),
          ),
        },
      };
    case 'group': {
      const versions = groupVersions(served).get(r.group) ?? [];
      return {
        status: 200,
        body: {
          kind: 'APIGroup',
          apiVersion: 'v1',
          ...apiGroup(r.group, versions),
        },
      };
    }
    case 'resource-list': {
      const resources = served
        .filter(t => groupVersionOf(t) === r.groupVersion)
        .map(t => ({
          name: t.resource,
          singularName: t.singular,
          namespaced: t.namespaced,
          kind: t.kind,
          verbs: [...SERVED_VERBS],
          ...(t.shortNames?.length ? { shortNames: t.shortNames } : {}),
        }));
      // the core list has no apiVersion in a real server's answer; group lists do
      const body =
        r.groupVersion === 'v1'
          ? { kind: 'APIResourceList', groupVersion: 'v1', resources }
          : {
              kind: 'APIResourceList',
              apiVersion: 'v1',
              groupVersion: r.groupVersion,
              resources,
            };
      return { status: 200, body };
    }
    default:
      return notFoundPath();
  }
}

function badRequest(message: string): ApiResponse {
  return { status: 400, body: statusBody(400, message) };
}

/** Built-in list items carry no apiVersion/kind on the wire; custom resources keep them. */
function listItem(rt: ResourceType, o: KubeObject): KubeObject {
  if (rt.optional) return o;
  const { apiVersion: _a, kind: _k, ...rest } = o;
  return rest;
}

function firstIndexAtOrAfter(
  items: readonly KubeObject[],
  key: string,
): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keyOf(items[mid]) < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function list(
  ctx: ApiContext,
  rt: ResourceType,
  namespace: string | undefined,
  q: Record<string, string>,
): ApiResponse {
  let labelReqs;
  let fieldMatch: (o: unknown) => boolean;
  try {
    labelReqs = parseLabelSelector(q.labelSelector ?? '');
    fieldMatch = compileFieldSelector(
      rt.kind,
      parseFieldSelector(q.fieldSelector ?? ''),
    );
  } catch (e) {
    if (e instanceof SelectorParseError) return badRequest(e.message);
    throw e;
  }
  const hasSelectors =
    labelReqs.length > 0 || (q.fieldSelector ?? '').trim() !== '';

  const limitRaw = q.limit !== undefined ? Number(q.limit) : 0;
  const limit = Number.isInteger(limitRaw) && limitRaw > 0 ? limitRaw : 0;

  const store = ctx.store;
  let snapshot: readonly KubeObject[] | undefined;
  let listRv = store.resourceVersion;
  let start = '';

  if (q.continue !== undefined && q.continue !== '') {
    if (q.resourceVersion !== undefined && q.resourceVersion !== '') {
      return badRequest(
        'specifying resource version is not allowed when using continue',
      );
    }
    let token;
    try {
      token = decodeContinue(q.continue);
    } catch (e) {
      if (e instanceof InvalidContinueError) return badRequest(e.message);
      throw e;
    }
    start = token.start;
    if (token.rv === -1) {
      snapshot = store.current(rt);
    } else {
      snapshot = store.at(rt, token.rv);
      if (!snapshot) {
        return {
          status: 410,
          body: statusBody(410, EXPIRED_CONTINUE_MESSAGE, {
            continueToken: encodeContinue(
              -1,
              token.start.replace(/\u0000$/, ''),
            ),
          }),
        };
      }
      listRv = token.rv;
    }
  } else if (
    q.resourceVersion !== undefined &&
    q.resourceVersion !== '' &&
    q.resourceVersion !== '0'
  ) {
    const rv = Number(q.resourceVersion);
    if (!Number.isInteger(rv) || rv < 0) {
      return badRequest(`invalid resource version "${q.resourceVersion}"`);
    }
    if (rv > store.resourceVersion) {
      return {
        status: 504,
        body: statusBody(
          504,
          `Too large resource version: ${rv}, current: ${store.resourceVersion}`,
          {
            details: {
              causes: [
                {
                  reason: 'ResourceVersionTooLarge',
                  message: 'Too large resource version',
                },
              ],
              retryAfterSeconds: 1,
            },
          },
        ),
      };
    }
    if (q.resourceVersionMatch === 'Exact') {
      snapshot = store.at(rt, rv);
      if (!snapshot) {
        return {
          status: 410,
          body: statusBody(
            410,
            `too old resource version: ${rv} (${store.compactedResourceVersion})`,
          ),
        };
      }
      listRv = rv;
    }
  }
  snapshot ??= store.current(rt);

  // a namespaced list is a key-prefix scan, like etcd
  let lo = 0;
  let hi = snapshot.length;
  if (namespace !== undefined) {
    lo = firstIndexAtOrAfter(snapshot, `${namespace}/`);
    hi = firstIndexAtOrAfter(snapshot, `${namespace}0`); // '0' sorts right after '/'
  }
  let i = Math.max(lo, start ? firstIndexAtOrAfter(snapshot, start) : lo);

  const items: KubeObject[] = [];
  while (i < hi && (limit === 0 || items.length < limit)) {
    const o = snapshot[i++];
    if (!matchesLabelRequirements(labelReqs, o.metadata?.labels)) continue;
    if (!fieldMatch(o)) continue;
    items.push(listItem(rt, o));
  }

  const metadata: Record<string, unknown> = { resourceVersion: String(listRv) };
  // like the real server: more keys remain, even if none of them would match
  if (limit > 0 && i < hi) {
    metadata.continue = encodeContinue(listRv, keyOf(snapshot[i - 1]));
    if (!hasSelectors) metadata.remainingItemCount = hi - i;
  }
  return {
    status: 200,
    body: {
      kind: `${rt.kind}List`,
      apiVersion: groupVersionOf(rt),
      metadata,
      items,
    },
  };
}

function get(
  ctx: ApiContext,
  rt: ResourceType,
  namespace: string | undefined,
  name: string,
): ApiResponse {
  const o = ctx.store.get(rt, namespace, name);
  if (o) return { status: 200, body: o };
  return {
    status: 404,
    body: statusBody(404, `${resourceName(rt)} "${name}" not found`, {
      details: {
        name,
        ...(rt.group ? { group: rt.group } : {}),
        kind: rt.resource,
      },
    }),
  };
}

export function handle(
  ctx: ApiContext,
  r: Route,
  q: Record<string, string>,
): ApiResponse {
  switch (r.type) {
    case 'version':
      return { status: 200, body: ctx.version };
    case 'health':
      return { status: 200, body: 'ok' };
    case 'collection':
      if (q.watch === 'true' || q.watch === '1') {
        return {
          status: 405,
          body: statusBody(405, 'the test API server does not serve watch'),
        };
      }
      return list(ctx, r.rt, r.namespace, q);
    case 'object':
      return get(ctx, r.rt, r.namespace, r.name);
    case 'not-found':
      return notFoundPath();
    default:
      return discovery(ctx, r);
  }
}

/** The message a real server gives when RBAC denies a request. */
export function forbiddenMessage(target: RequestTarget, user: string): string {
  const verb =
    target.verb === 'list' || target.verb === 'get' ? target.verb : 'get';
  if (target.resource) {
    const resource = target.resource.split('.')[0];
    const scope = target.namespace
      ? `in the namespace "${target.namespace}"`
      : 'at the cluster scope';
    return `${target.resource}${
      target.name ? ` "${target.name}"` : ''
    } is forbidden: User "${user}" cannot ${verb} resource "${resource}" in API group "${
      target.group ?? ''
    }" ${scope}`;
  }
  return `forbidden: User "${user}" cannot get path "${target.path}"`;
}
