import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';
import { KubeConfig } from '@kubernetes/client-node';
import { K8sObject, KUBERNETES_VERSION, formatBytes } from '@posture-dev/backstage-plugin-posture-node';
import { KubernetesClusterConfig } from '../config';
import { COLLECTED_KINDS, CollectedKind, listPath, objectPath } from './kinds';
import { ClusterSource, CollectedSnapshot, countByKind } from './types';

/** An API error with the server's Status reason, e.g. `403 Forbidden: ...`. */
export class KubeApiError extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
    this.name = 'KubeApiError';
  }
}

const MAX_LIST_RESTARTS = 3;
const MAX_BODY_BYTES = 512 * 1024 * 1024;
/** full objects fetched at once for the uncontrolled Pods and ReplicaSets of a metadata-only list */
const FETCH_CONCURRENCY = 8;
const JSON_ACCEPT = 'application/json';
/**
 * Metadata-only lists, with plain JSON as a fallback for a server that cannot (it then answers a
 * normal list, which `listAll` recognises by its kind).
 */
const PARTIAL_LIST_ACCEPT = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';

/** Bytes of one collection, as they crossed the wire (compressed when the server compressed them). */
interface Meter {
  bytes: number;
}

function hasController(o: K8sObject): boolean {
  const refs = (o as { metadata?: { ownerReferences?: unknown } }).metadata?.ownerReferences;
  return Array.isArray(refs) && refs.some(r => r && typeof r === 'object' && (r as { controller?: unknown }).controller === true);
}

export function kubeConfigFor(c: KubernetesClusterConfig): KubeConfig {
  const kc = new KubeConfig();
  if (c.inCluster) {
    kc.loadFromCluster();
  } else if (c.kubeconfig) {
    kc.loadFromFile(c.kubeconfig);
    if (c.context) kc.setCurrentContext(c.context);
  } else {
    kc.loadFromOptions({
      clusters: [
        {
          name: c.name,
          server: c.url,
          caData: c.caData,
          caFile: c.caFile,
          skipTLSVerify: c.skipTLSVerify,
        },
      ],
      users: [{ name: `${c.name}-sa`, token: c.serviceAccountToken }],
      contexts: [{ name: c.name, cluster: c.name, user: `${c.name}-sa` }],
      currentContext: c.name,
    });
  }
  return kc;
}

/**
 * A live cluster, read through @kubernetes/client-node's KubeConfig (URL and
 * token, a kubeconfig context, or in-cluster). Objects are listed as raw JSON,
 * one paginated LIST per kind: the typed clients would deserialise every
 * object into model classes, several times the memory of the JSON itself.
 */
export class KubernetesClusterSource implements ClusterSource {
  readonly type = 'kubernetes' as const;
  readonly name: string;
  readonly timeoutMs: number;
  private readonly kc: KubeConfig;
  private readonly pageSize: number;
  private readonly metadataOnly: boolean;
  private readonly compression: boolean;
  private readonly maxBodyBytes: number;

  /** `limits.maxBodyBytes`: the largest response text held, inflated (default 512 MiB; lower in tests) */
  constructor(config: KubernetesClusterConfig, limits: { maxBodyBytes?: number } = {}) {
    this.maxBodyBytes = limits.maxBodyBytes ?? MAX_BODY_BYTES;
    this.name = config.name;
    this.timeoutMs = config.timeoutMs;
    this.pageSize = config.pageSize;
    this.metadataOnly = config.metadataOnly ?? true;
    this.compression = config.compression ?? true;
    this.kc = kubeConfigFor(config);
  }

  async collect(signal: AbortSignal): Promise<CollectedSnapshot> {
    const warnings: string[] = [];
    const meter: Meter = { bytes: 0 };
    const [groups, kubernetesVersion] = await Promise.all([
      this.discoverGroups(signal, meter),
      this.serverVersion(signal, meter, warnings),
    ]);
    const kinds = COLLECTED_KINDS.filter(k => {
      if (!k.optional) return true;
      const present = groups.has(`${k.group}/${k.version}`);
      if (!present) warnings.push(`${k.kind} (${k.group}) not served by this cluster; skipped`);
      return present;
    });
    const lists = await Promise.all(kinds.map(k => this.listAll(k, signal, meter)));
    const objects = lists.flat();
    return {
      cluster: this.name,
      mode: 'live',
      objects,
      objectCounts: countByKind(objects),
      warnings,
      bytesRead: meter.bytes,
      ...(kubernetesVersion ? { kubernetesVersion } : {}),
    };
  }

  /**
   * The server's version (GET /version, readable by any authenticated client), for checks that
   * depend on it (api-version-stable). A server that refuses it or answers nonsense costs a
   * warning, not the collection.
   */
  private async serverVersion(signal: AbortSignal, meter: Meter, warnings: string[]): Promise<string | undefined> {
    try {
      const body = await this.get('/version', signal, meter);
      const v = typeof body?.gitVersion === 'string' ? body.gitVersion.trim() : '';
      if (KUBERNETES_VERSION.test(v)) return v;
      warnings.push('the server version (GET /version) is not a Kubernetes version; version-dependent checks use posture.engine.kubernetesVersion');
    } catch (e) {
      signal.throwIfAborted();
      warnings.push(`could not read the server version (GET /version): ${e instanceof Error ? e.message : String(e)}`);
    }
    return undefined;
  }

  private async discoverGroups(signal: AbortSignal, meter: Meter): Promise<Set<string>> {
    const body = await this.get('/apis', signal, meter);
    const out = new Set<string>();
    for (const g of Array.isArray(body?.groups) ? body.groups : []) {
      for (const v of Array.isArray(g?.versions) ? g.versions : []) {
        if (typeof v?.groupVersion === 'string') out.add(v.groupVersion);
      }
    }
    return out;
  }

  /** Pages through one kind; a 410 on `continue` (the snapshot expired) restarts the list. */
  private async listAll(k: CollectedKind, signal: AbortSignal, meter: Meter): Promise<K8sObject[]> {
    const apiVersion = k.group ? `${k.group}/${k.version}` : k.version;
    const partial = this.metadataOnly && k.metadataOnly === true;
    for (let attempt = 0; ; attempt++) {
      const items: K8sObject[] = [];
      const uncontrolled: number[] = [];
      let token: string | undefined;
      try {
        do {
          const q = new URLSearchParams({ limit: String(this.pageSize) });
          if (token) q.set('continue', token);
          const body = await this.get(`${listPath(k)}?${q}`, signal, meter, partial ? PARTIAL_LIST_ACCEPT : JSON_ACCEPT);
          const metadataOnly = body?.kind === 'PartialObjectMetadataList';
          for (const item of Array.isArray(body?.items) ? body.items : []) {
            // list items carry no kind or apiVersion of their own
            const o: K8sObject = { ...item, apiVersion, kind: k.kind };
            if (metadataOnly && !hasController(o)) uncontrolled.push(items.length);
            items.push(o);
          }
          token = typeof body?.metadata?.continue === 'string' && body.metadata.continue ? body.metadata.continue : undefined;
        } while (token);
        await this.fetchInFull(k, items, uncontrolled, signal, meter);
        return items;
      } catch (e) {
        if (e instanceof KubeApiError && e.code === 410 && token && attempt < MAX_LIST_RESTARTS) continue;
        throw e instanceof KubeApiError ? new KubeApiError(e.code, `listing ${k.kind}: ${e.message}`) : e;
      }
    }
  }

  /**
   * Replaces the metadata of objects without a controller (a bare Pod, a ReplicaSet no Deployment
   * owns) by the full object: those are judged themselves. One that is gone meanwhile is dropped.
   */
  private async fetchInFull(
    k: CollectedKind,
    items: K8sObject[],
    indexes: number[],
    signal: AbortSignal,
    meter: Meter,
  ): Promise<void> {
    if (indexes.length === 0) return;
    const apiVersion = k.group ? `${k.group}/${k.version}` : k.version;
    const gone = new Set<number>();
    let next = 0;
    const worker = async () => {
      while (next < indexes.length) {
        const i = indexes[next++];
        const meta = (items[i] as { metadata?: { name?: unknown; namespace?: unknown } }).metadata;
        const name = typeof meta?.name === 'string' ? meta.name : '';
        const namespace = typeof meta?.namespace === 'string' ? meta.namespace : undefined;
        if (!name) continue;
        try {
          const full = await this.get(objectPath(k, name, namespace), signal, meter);
          items[i] = { ...full, apiVersion, kind: k.kind };
        } catch (e) {
          if (e instanceof KubeApiError && e.code === 404) gone.add(i);
          else throw e;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(FETCH_CONCURRENCY, indexes.length) }, worker));
    if (gone.size > 0) {
      let w = 0;
      for (let r = 0; r < items.length; r++) if (!gone.has(r)) items[w++] = items[r];
      items.length = w;
    }
  }

  private async get(pathAndQuery: string, signal: AbortSignal, meter?: Meter, accept = JSON_ACCEPT): Promise<any> {
    const cluster = this.kc.getCurrentCluster();
    if (!cluster) throw new Error('no current cluster in kubeconfig');
    const url = new URL(cluster.server.replace(/\/+$/, '') + pathAndQuery);
    const opts: https.RequestOptions = {
      method: 'GET',
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port,
      path: url.pathname + url.search,
      // gzip as client-go asks for it: the server compresses lists over 128 KiB (level 1), about a
      // tenth of the bytes, and zlib inflates them on libuv's thread pool, not this thread
      headers: this.compression ? { Accept: accept, 'Accept-Encoding': 'gzip' } : { Accept: accept },
      signal,
    };
    await this.kc.applyToHTTPSOptions(opts);
    const transport = url.protocol === 'https:' ? https : http;
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = transport.request(opts as http.RequestOptions, res => {
        const encoding = String(res.headers['content-encoding'] ?? '').trim().toLowerCase();
        if (encoding !== '' && encoding !== 'identity' && !(encoding === 'gzip' && this.compression)) {
          req.destroy();
          reject(new Error(`${url.pathname}: the server answered in an encoding that was not asked for (${JSON.stringify(encoding.slice(0, 40))})`));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          if (meter) meter.bytes += c.length;
        });
        res.on('error', reject);
        const body = encoding === 'gzip' ? res.pipe(zlib.createGunzip()) : res;
        const fail = (e: Error) => {
          reject(e);
          req.destroy();
          if (body !== res) body.destroy();
        };
        // the limit is on the inflated text, which is what is held and parsed: a small gzip body
        // can inflate a thousandfold
        body.on('data', (c: Buffer) => {
          size += c.length;
          if (size > this.maxBodyBytes) fail(new Error(`${url.pathname}: response body too large (over ${formatBytes(this.maxBodyBytes)})`));
          else chunks.push(c);
        });
        const done = () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
        if (body !== res) {
          body.on('error', (e: Error) => fail(new Error(`${url.pathname}: the response is not valid gzip (${e.message})`)));
          body.on('end', () => (res.complete ? done() : undefined));
        }
        // a connection cut mid-body (e.g. short of its Content-Length) must fail, not hang or parse half a list
        res.on('close', () => {
          if (!res.complete) reject(new Error(`connection closed mid-response from ${url.pathname}`));
          else if (body === res) done();
        });
      });
      req.on('error', reject);
      req.end();
    });
    let body: any;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // a proxy or load balancer in front of the API server answers errors in HTML: report the status
      const ok = status >= 200 && status < 300;
      if (ok) throw new KubeApiError(status, `${status} from ${url.pathname}: response is not valid JSON (truncated?)`);
    }
    if (status < 200 || status >= 300) {
      const reason = typeof body?.reason === 'string' ? body.reason : http.STATUS_CODES[status] ?? 'Error';
      const message = typeof body?.message === 'string' ? body.message : '';
      throw new KubeApiError(status, `${status} ${reason}${message ? `: ${message}` : ''}`);
    }
    return body;
  }
}
