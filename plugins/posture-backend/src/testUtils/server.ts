import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import zlib from 'node:zlib';
import {
  ApiContext,
  ApiResponse,
  DEFAULT_VERSION,
  VersionInfo,
  describeTarget,
  forbiddenMessage,
  handle,
  route,
} from './api';
import { decodeContinue, encodeContinue } from './continueToken';
import { FaultSet, FaultSpec, RequestTarget } from './faults';
import {
  BUILTIN_RESOURCES,
  OPTIONAL_RESOURCES,
  ResourceRegistry,
  ResourceType,
  findOptionalResource,
  resourceKeyOf,
} from './resources';
import { RequestStats } from './stats';
import { EXPIRED_CONTINUE_MESSAGE, statusBody } from './status';
import {
  ClusterStore,
  KubeObject,
  loadObjectsFromDir,
  parseYamlObjects,
} from './store';

export interface KubeApiTestServerOptions {
  /** Cluster name, used in kubeconfig options and logs. */
  name?: string;
  /** Objects (or `kind: List` objects) to serve. */
  objects?: unknown[];
  /** Multi-document YAML texts to serve. */
  yaml?: string | string[];
  /** Folders searched recursively for .yaml/.yml/.json files. */
  dirs?: string | string[];
  /**
   * When set, every request needs `Authorization: Bearer <token>` with one
   * of these tokens, else 401.
   */
  token?: string | string[];
  /**
   * Serve these optional CRDs even without objects: resource keys
   * (`scaledobjects.keda.sh`), plurals or Kinds; `true` for all of them.
   */
  crds?: string[] | boolean;
  /** More custom resource types; served once they hold objects or are named in `crds`. */
  customResources?: ResourceType[];
  faults?: FaultSpec[];
  /** Fill the defaults a real API server adds (default true). */
  applyDefaults?: boolean;
  /** Create Namespace objects for namespaces the data uses, and `default` (default true). */
  autoCreateNamespaces?: boolean;
  /** Create the `default` ServiceAccount in each namespace, as the controller does (default false). */
  autoCreateDefaultServiceAccounts?: boolean;
  /** Per resource type, how many past states are kept for continue tokens (default 100). */
  historyLimit?: number;
  version?: Partial<VersionInfo>;
  /** Who the server pretends the caller is in 403 messages. */
  user?: string;
  host?: string;
  port?: number;
  maxLogEntries?: number;
  now?: () => Date;
  /**
   * Gzip the body of a resource request (list or get) over 128 KiB when the client accepts gzip,
   * as the API server does (the APIResponseCompression feature, on by default since 1.16; level 1,
   * no Content-Length). Default true; false serves every body as it is.
   */
  compression?: boolean;
}

/** The API server's threshold: smaller bodies are not worth compressing. */
export const GZIP_THRESHOLD_BYTES = 128 * 1024;

/**
 * Whether an Accept-Encoding header accepts gzip, read as the API server reads it: a `gzip` token
 * whose quality, if given, is not zero.
 */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  return header.split(',').some(part => {
    const [coding, ...params] = part.split(';').map(x => x.trim().toLowerCase());
    if (coding !== 'gzip') return false;
    const q = params.find(x => x.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

/** The shape `KubeConfig.loadFromOptions` takes. */
export interface KubeConfigOptionsLike {
  clusters: Array<{ name: string; server: string; skipTLSVerify: boolean }>;
  users: Array<{ name: string; token?: string }>;
  contexts: Array<{
    name: string;
    cluster: string;
    user: string;
    namespace?: string;
  }>;
  currentContext: string;
}

export interface KubeApiTestServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly name: string;
  readonly stats: RequestStats;
  /** Requests accepted but not answered yet (hung or delayed). */
  readonly pendingRequests: number;
  readonly store: ClusterStore;
  /**
   * Options for `new KubeConfig().loadFromOptions(...)`. client-node refuses
   * plain http unless skipTLSVerify is true, so it is.
   */
  kubeConfigOptions(opts?: {
    token?: string | null;
    namespace?: string;
  }): KubeConfigOptionsLike;
  /** Replaces all faults; skip/times counters start again. */
  setFaults(faults: FaultSpec[]): void;
  /** Adds one fault; the returned function removes it. */
  addFault(fault: FaultSpec): () => void;
  clearFaults(): void;
  /** Objects, lists, arrays, or a YAML text; creates or replaces by kind/namespace/name. */
  addObjects(input: unknown): KubeObject[];
  loadDir(dir: string): KubeObject[];
  deleteObjects(
    refs: Array<{
      apiVersion: string;
      kind: string;
      namespace?: string;
      name: string;
    }>,
  ): number;
  getObject(
    apiVersion: string,
    kind: string,
    name: string,
    namespace?: string,
  ): KubeObject | undefined;
  /** All stored objects as the server serves them (defaults filled). */
  objects(): KubeObject[];
  /** Starts serving an optional or custom resource type without objects. */
  enableResource(resource: string | ResourceType): void;
  /** The resource types currently served, discovery's view. */
  servedResources(): ResourceType[];
  /** Expires all continue tokens and old resourceVersions (410 from now on). */
  compact(): void;
  resetStats(): void;
  /** Back to the state after start: initial objects, initial faults, empty stats. */
  reset(): void;
  /** Stops the server; hung and delayed requests are cut off. */
  close(): Promise<void>;
}

function toQuery(params: URLSearchParams): Record<string, string> {
  const q: Record<string, string> = {};
  for (const [k, v] of params) if (!(k in q)) q[k] = v;
  return q;
}

function initialObjects(options: KubeApiTestServerOptions): unknown[] {
  const out: unknown[] = [...(options.objects ?? [])];
  const yamls =
    options.yaml === undefined ? [] : ([] as string[]).concat(options.yaml);
  yamls.forEach((text, i) => out.push(...parseYamlObjects(text, `yaml[${i}]`)));
  const dirs =
    options.dirs === undefined ? [] : ([] as string[]).concat(options.dirs);
  for (const d of dirs) out.push(...loadObjectsFromDir(d));
  return out;
}

export async function startKubeApiTestServer(
  options: KubeApiTestServerOptions = {},
): Promise<KubeApiTestServer> {
  const name = options.name ?? 'test-cluster';
  const customTypes = (options.customResources ?? []).map(t => ({
    ...t,
    optional: true,
  }));
  const registry = new ResourceRegistry([
    ...BUILTIN_RESOURCES,
    ...OPTIONAL_RESOURCES,
    ...customTypes,
  ]);
  const resolveResource = (n: string) => registry.resolve(n).map(resourceKeyOf);
  const tokens =
    options.token === undefined
      ? undefined
      : new Set(([] as string[]).concat(options.token));
  const user = options.user ?? 'system:serviceaccount:posture:collector';

  const enabled = new Set<ResourceType>();
  const enableResource = (r: string | ResourceType) => {
    if (typeof r !== 'string') {
      registry.register({ ...r, optional: true });
      enabled.add(
        registry.byKind(
          r.group ? `${r.group}/${r.version}` : r.version,
          r.kind,
        )!,
      );
      return;
    }
    const rt =
      findOptionalResource(r) ?? registry.resolve(r).find(t => t.optional);
    if (!rt) throw new Error(`unknown optional resource ${JSON.stringify(r)}`);
    enabled.add(rt);
  };
  const enableInitial = () => {
    enabled.clear();
    if (options.crds === true)
      for (const t of registry.all()) if (t.optional) enabled.add(t);
    if (Array.isArray(options.crds)) options.crds.forEach(enableResource);
  };
  enableInitial();

  // resourceVersions stay monotonic across reset(), so old tokens cannot alias new state
  const newStore = (initialResourceVersion?: number) =>
    new ClusterStore(registry, {
      initialResourceVersion,
      applyDefaults: options.applyDefaults,
      autoCreateNamespaces: options.autoCreateNamespaces,
      autoCreateDefaultServiceAccounts:
        options.autoCreateDefaultServiceAccounts,
      historyLimit: options.historyLimit,
      now: options.now,
    });
  let store = newStore();
  const seed = () => {
    if (options.autoCreateNamespaces !== false) {
      store.put({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'default' },
      });
    }
    store.put(initialObjects(options));
  };
  seed();

  const served = () =>
    registry
      .all()
      .filter(t => !t.optional || enabled.has(t) || store.hasEverHeld(t));

  const faults = new FaultSet(resolveResource);
  faults.set(options.faults ?? []);
  const stats = new RequestStats(resolveResource, options.maxLogEntries);
  const compression = options.compression ?? true;
  const version = { ...DEFAULT_VERSION, ...options.version };

  const pending = new Set<http.ServerResponse>();
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  let serverAddress = '';

  const ctx = (): ApiContext => ({ store, served, version, serverAddress });

  const send = (
    res: http.ServerResponse,
    r: ApiResponse,
    fault?: FaultSpec,
    gzip = false,
  ) => {
    const isText = typeof r.body === 'string';
    const plain = Buffer.from(
      isText ? (r.body as string) : JSON.stringify(r.body),
    );
    const compress = gzip && plain.length > GZIP_THRESHOLD_BYTES;
    const payload = compress ? zlib.gzipSync(plain, { level: 1 }) : plain;
    const headers: Record<string, string | number> = {
      'Content-Type': isText ? 'text/plain; charset=utf-8' : 'application/json',
      'Cache-Control': 'no-cache, private',
      'Audit-Id': randomUUID(),
      ...(compress ? { 'Content-Encoding': 'gzip', Vary: 'Accept-Encoding' } : {}),
      ...r.headers,
    };
    const half = payload.subarray(
      0,
      Math.max(1, Math.floor(payload.length / 2)),
    );
    if (fault?.fault === 'truncate') {
      // a complete HTTP message whose JSON stops halfway
      res.writeHead(r.status, { ...headers, 'Content-Length': half.length });
      res.end(half);
    } else if (fault?.fault === 'reset') {
      // without Content-Length node frames the body in chunks; either way it never completes
      res.writeHead(
        r.status,
        fault.framing === 'content-length'
          ? { ...headers, 'Content-Length': payload.length }
          : headers,
      );
      res.write(half, () => res.socket?.destroy());
    } else {
      // the API server streams a compressed body: chunked, without Content-Length
      res.writeHead(
        r.status,
        compress ? headers : { ...headers, 'Content-Length': payload.length },
      );
      res.end(payload);
    }
    stats.bytesSent += payload.length;
  };

  const delay = (ms: number, res: http.ServerResponse) =>
    new Promise<void>(resolve => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
      res.once('close', () => {
        clearTimeout(t);
        timers.delete(t);
        resolve();
      });
    });

  const faultResponse = (
    f: FaultSpec,
    target: RequestTarget,
  ): ApiResponse | undefined => {
    if (f.fault === 'expired') {
      let continueToken: string | undefined;
      try {
        if (target.query.continue) {
          const start = decodeContinue(target.query.continue).start.replace(
            /\u0000$/,
            '',
          );
          continueToken = encodeContinue(-1, start);
        }
      } catch {
        continueToken = undefined;
      }
      return {
        status: 410,
        body: statusBody(410, EXPIRED_CONTINUE_MESSAGE, { continueToken }),
      };
    }
    if (f.fault !== 'status') return undefined;
    const code = f.code;
    let message = f.message;
    let details;
    if (code === 401) message ??= 'Unauthorized';
    if (code === 403) {
      message ??= forbiddenMessage(target, user);
      if (target.resource) {
        const [resource] = target.resource.split('.');
        details = {
          ...(target.name ? { name: target.name } : {}),
          ...(target.group ? { group: target.group } : {}),
          kind: resource,
        };
      }
    }
    if (code === 500) {
      message ??= 'Internal error occurred: injected fault';
      details = { causes: [{ message: 'injected fault' }] };
    }
    if (code === 429) {
      message ??= 'Too many requests, please try again later.';
      details = { retryAfterSeconds: 1 };
    }
    if (code === 503)
      message ??= 'the server is currently unable to handle the request';
    if (code === 504)
      message ??=
        'Timeout: request did not complete within the allowed duration';
    const headers: Record<string, string> =
      code === 429 ? { 'Retry-After': '1' } : {};
    return {
      status: code,
      body: statusBody(code, message ?? `injected ${code}`, {
        reason: f.reason,
        details,
      }),
      headers,
    };
  };

  const onRequest = async (
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    const query = toQuery(url.searchParams);
    const r = route(ctx(), url.pathname);
    const target = describeTarget(r, method, url.pathname, query);
    const entry = stats.record(target);
    pending.add(res);
    res.once('close', () => {
      pending.delete(res);
      if (!res.writableFinished) entry.aborted = true;
    });
    res.once('finish', () => {
      entry.status = res.statusCode;
      entry.durationMs = Date.now() - entry.startedAt;
    });
    // the body of a GET is irrelevant, but must be drained for keep-alive
    req.resume();

    const hits = faults.select(target);
    entry.faults = hits.map(f => f.fault);
    for (const f of hits) {
      if (f.fault === 'latency') await delay(f.ms, res);
    }
    if (res.destroyed || res.writableEnded) return;
    const terminal = hits.find(f => f.fault !== 'latency');
    if (terminal?.fault === 'hang') return;

    if (tokens) {
      const auth = req.headers.authorization ?? '';
      const m = /^Bearer\s+(.+)$/i.exec(auth);
      if (!m || !tokens.has(m[1].trim())) {
        send(res, { status: 401, body: statusBody(401, 'Unauthorized') });
        return;
      }
    }

    const injected = terminal ? faultResponse(terminal, target) : undefined;
    if (injected) {
      send(res, injected);
      return;
    }
    if (method !== 'GET' && method !== 'HEAD') {
      send(res, {
        status: 405,
        body: statusBody(
          405,
          `the test API server is read-only; ${method} is not allowed`,
        ),
      });
      return;
    }
    let response: ApiResponse;
    try {
      response = asPartialMetadata(handle(ctx(), r, query), req.headers.accept);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      response = {
        status: 500,
        body: statusBody(500, `Internal error occurred: ${message}`, {
          details: { causes: [{ message }] },
        }),
      };
    }
    // only resource requests are compressed, as by the API server (not discovery or /version)
    const gzip =
      compression &&
      (target.verb === 'list' || target.verb === 'get') &&
      acceptsGzip(req.headers['accept-encoding']);
    send(res, response, terminal, gzip);
  };

  const server = http.createServer((req, res) => {
    onRequest(req, res).catch(err => {
      if (!res.headersSent) {
        send(res, {
          status: 500,
          body: statusBody(500, `Internal error occurred: ${String(err)}`),
        });
      } else {
        res.destroy();
      }
    });
  });
  server.on('connection', s => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  serverAddress = `${addr.address}:${addr.port}`;
  const url = `http://${serverAddress}`;
  let closed: Promise<void> | undefined;

  return {
    url,
    name,
    stats,
    get pendingRequests() {
      return pending.size;
    },
    get store() {
      return store;
    },
    kubeConfigOptions(opts = {}) {
      const token =
        opts.token === null
          ? undefined
          : opts.token ?? (tokens ? [...tokens][0] : undefined);
      return {
        clusters: [{ name, server: url, skipTLSVerify: true }],
        users: [
          { name: `${name}-user`, ...(token !== undefined ? { token } : {}) },
        ],
        contexts: [
          {
            name,
            cluster: name,
            user: `${name}-user`,
            ...(opts.namespace ? { namespace: opts.namespace } : {}),
          },
        ],
        currentContext: name,
      };
    },
    setFaults(list) {
      faults.set(list);
    },
    addFault(f) {
      return faults.add(f);
    },
    clearFaults() {
      faults.set([]);
    },
    addObjects(input) {
      return store.put(
        typeof input === 'string' ? parseYamlObjects(input) : input,
      );
    },
    loadDir(dir) {
      return store.put(loadObjectsFromDir(dir));
    },
    deleteObjects(refs) {
      return store.delete(refs);
    },
    getObject(apiVersion, kind, objName, namespace) {
      const rt = registry.byKind(apiVersion, kind);
      return rt
        ? store.get(
            rt,
            namespace ?? (rt.namespaced ? 'default' : undefined),
            objName,
          )
        : undefined;
    },
    objects() {
      return store.all();
    },
    enableResource,
    servedResources: served,
    compact() {
      store.compact();
    },
    resetStats() {
      stats.reset();
    },
    reset() {
      store = newStore(store.resourceVersion + 1);
      seed();
      enableInitial();
      faults.set(options.faults ?? []);
      stats.reset();
    },
    close() {
      closed ??= new Promise<void>(resolve => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      return closed;
    },
  };
}

const META_GROUP_VERSION = 'meta.k8s.io/v1';

/**
 * What a real API server does for `Accept: application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1`
 * (and `as=PartialObjectMetadata` for one object): the same list or object, reduced to each
 * object's `metadata`. Errors (Status bodies) pass through unchanged.
 */
export function asPartialMetadata(r: ApiResponse, accept: string | undefined): ApiResponse {
  if (!accept || r.status < 200 || r.status >= 300) return r;
  const as = /(?:^|;)\s*as=(PartialObjectMetadata(?:List)?)\s*(?:;|,|$)/.exec(accept)?.[1];
  if (!as || !/(?:^|;)\s*g=meta\.k8s\.io\s*(?:;|,|$)/.test(accept)) return r;
  const body = r.body as { kind?: unknown; metadata?: unknown; items?: unknown } | undefined;
  if (!body || typeof body !== 'object') return r;
  const partial = (o: any) => ({ kind: 'PartialObjectMetadata', apiVersion: META_GROUP_VERSION, metadata: o?.metadata ?? {} });
  if (Array.isArray(body.items)) {
    if (as !== 'PartialObjectMetadataList') return r;
    return {
      ...r,
      body: {
        kind: 'PartialObjectMetadataList',
        apiVersion: META_GROUP_VERSION,
        metadata: body.metadata ?? {},
        items: body.items.map(partial),
      },
    };
  }
  return as === 'PartialObjectMetadata' ? { ...r, body: partial(body) } : r;
}
