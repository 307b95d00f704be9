import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import {
  Distribution,
  OverviewResponse,
  OverviewRow,
  OverviewSortField,
} from '@posture-dev/backstage-plugin-posture-common';
import {
  distributionOf,
  matchesText,
  NormalisedPaging,
  pointsOf,
  quadrantOfRow,
  sortRows,
} from './overview';
import { OverviewDbRow, normRef, toOverviewRow } from './rows';
import { OverviewStoreQuery } from './types';

/** filtered views kept per snapshot; the UI uses a handful of filter combinations */
const MAX_FILTER_ENTRIES = 50;
/** serialised pages kept per snapshot (each carries the points, up to ~0.5 MB) */
const MAX_PAGE_ENTRIES = 64;

/** A response body serialised once, with its entity tag, so serving it costs no encoding or hashing. */
export interface SerialisedBody {
  /**
   * The body. For a body kept gzipped only (`compressedBody`) this inflates it, synchronously, on
   * each read: the router uses `plain()` instead.
   */
  readonly body: Buffer;
  /** the body's length in bytes */
  readonly length: number;
  /** absent when the body is specific to one caller's permissions */
  etag?: string;
  /**
   * The body gzipped, made on the first call (see gzipBody) and kept with the body; only
   * on tagged bodies, which caches share between requests. Held as long as the body is: a cache's
   * byte bound counts the bodies, and a gzipped JSON body is a fraction of its size.
   */
  gzip?: () => Promise<Buffer>;
  /** the body, inflated (see SYNC_GUNZIP_BYTES), for a body kept gzipped only */
  plain?: () => Promise<Buffer>;
}

/**
 * Small bodies, gzipped in place, at zlib's fastest level (as the Kubernetes API server gzips its
 * responses): a cache emptied by a save compresses every scorecard read again, on the event loop, and
 * level 6 took about three times as long for ~8 % fewer bytes on a one-cluster scorecard. Large ones
 * go to the thread pool at the default level, where the loop does not wait and the ratio counts more:
 * an entity in many clusters repeats itself, and level 1 kept it ~70 % larger (`node
 * bench/zlib-calls.mjs`, `BENCH_COLD_CLUSTERS=30 node … bench/workers/coldReads.mjs`).
 */
const GZIP_IN_PLACE = { level: zlib.constants.Z_BEST_SPEED };

// looked up at each call, so that a test can see which way a body went
const gzipAsync = (body: Buffer) => promisify(zlib.gzip)(body);
const gunzipAsync = (gzipped: Buffer) => promisify(zlib.gunzip)(gzipped);

/**
 * Bodies up to these sizes are (de)compressed on the event loop, larger ones on libuv's thread pool.
 * Handing a call to the pool costs about 0.8 ms of CPU (a stream, a thread's wake-up, and zlib's
 * ~256 KB of deflate state allocated and freed each time) and 100-150 µs of the loop's own time,
 * where gzipping a 35 KB scorecard in place at level 1 takes ~80 µs and inflating it ~55 µs. Below these sizes
 * the synchronous call holds the loop for less than the asynchronous one, at a tenth of the CPU:
 * on a replica serving reads after a save emptied its cache, that CPU is what the other requests
 * wait for. `node bench/zlib-calls.mjs` measures both.
 */
export const SYNC_GZIP_BYTES = 32 * 1024;
export const SYNC_GUNZIP_BYTES = 64 * 1024;

/** gzip, in place for a small body, on the thread pool for a large one */
export async function gzipBody(body: Buffer): Promise<Buffer> {
  return body.length <= SYNC_GZIP_BYTES ? zlib.gzipSync(body, GZIP_IN_PLACE) : gzipAsync(body);
}

/** gunzip of a body whose plain length is known, in place when that is small */
async function gunzipBody(gzipped: Buffer, plainLength: number): Promise<Buffer> {
  return plainLength <= SYNC_GUNZIP_BYTES ? zlib.gunzipSync(gzipped) : gunzipAsync(gzipped);
}

/** The weak entity tag of a body: its length and hash. */
export function etagOf(body: Buffer): string {
  return `W/"${body.length.toString(16)}-${createHash('sha1').update(body).digest('base64url')}"`;
}

export function serialised(json: string, tagged: boolean): SerialisedBody {
  const body = Buffer.from(json, 'utf8');
  if (!tagged) return { body, length: body.length };
  let gzipped: Promise<Buffer> | undefined;
  const gzip = () => {
    if (!gzipped) {
      gzipped = gzipBody(body);
      // a failure is not kept: the next request tries again (and this one is served uncompressed)
      gzipped.catch(() => {
        gzipped = undefined;
      });
    }
    return gzipped;
  };
  return { body, length: body.length, etag: etagOf(body), gzip };
}

/** A body held only gzipped: what it takes to keep many of them (see PostureStore's entity cache). */
export interface CompressedJson {
  gzipped: Buffer;
  /** the length of the JSON in bytes */
  length: number;
  etag: string;
}

/** The JSON text of a compressed body. */
export async function inflateJson(c: CompressedJson): Promise<string> {
  return (await gunzipBody(c.gzipped, c.length)).toString('utf8');
}

/** A compressed body to serve: as it is to a client that takes gzip, inflated for any other. */
export function compressedBody(c: CompressedJson): SerialisedBody {
  return {
    get body() {
      return zlib.gunzipSync(c.gzipped);
    },
    length: c.length,
    etag: c.etag,
    gzip: () => Promise.resolve(c.gzipped),
    plain: () => gunzipBody(c.gzipped, c.length),
  };
}

/** A small least-recently-used map. */
export class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: string, value: V) {
    this.map.delete(key);
    if (this.map.size >= this.max)
      this.map.delete(this.map.keys().next().value as string);
    this.map.set(key, value);
  }
}

/**
 * Every overview row of one data version, loaded once and shared by every
 * request until a run changes the data. 5,000 small objects filter, sort and
 * aggregate in memory in a few milliseconds, far less than reading them again.
 */
export class OverviewSnapshot {
  /** rows in entity-ref code-point order, as sortRows expects */
  private readonly mapped = new Map<string, OverviewRow>();
  private readonly views = new Map<string, FilteredView>();
  private readonly pages = new Lru<SerialisedBody>(MAX_PAGE_ENTRIES);

  constructor(
    readonly version: string,
    readonly rows: OverviewDbRow[],
    /** entity ref -> clusters it has rows in (posture_entity_clusters, not the JSON column) */
    private readonly clustersOf: Map<string, Set<string>>,
  ) {}

  /** the overview row of a stored row, mapped once per snapshot */
  row(r: OverviewDbRow): OverviewRow {
    let m = this.mapped.get(r.entity_ref);
    if (!m) {
      m = toOverviewRow(r);
      this.mapped.set(r.entity_ref, m);
    }
    return m;
  }

  /**
   * The rows matching the query's filters and permission set. Views without a
   * permission set are shared by every caller and cached; a permission set is
   * per user, so those are computed per request.
   */
  view(
    query: OverviewStoreQuery,
    allowed: Set<string> | undefined,
  ): FilteredView {
    const f = normaliseFilter(query);
    if (allowed) {
      return new FilteredView(
        this.rows.filter(r => allowed.has(r.entity_ref) && this.matches(r, f)),
      );
    }
    const key = JSON.stringify(f);
    let v = this.views.get(key);
    if (v) {
      // most recently used last, so the oldest is evicted first
      this.views.delete(key);
    } else {
      v = new FilteredView(this.rows.filter(r => this.matches(r, f)));
      if (this.views.size >= MAX_FILTER_ENTRIES) {
        this.views.delete(this.views.keys().next().value as string);
      }
    }
    this.views.set(key, v);
    return v;
  }

  /**
   * The rows whose points the response carries: every filter but the quadrant, so that the
   * chart keeps showing the other quadrants to pick instead (the quadrant is a facet).
   */
  pointsView(
    query: OverviewStoreQuery,
    allowed: Set<string> | undefined,
  ): FilteredView {
    return this.view({ ...query, quadrant: undefined }, allowed);
  }

  /** one overview page, serialised; shared pages (no permission set) are cached */
  page(
    query: OverviewStoreQuery,
    allowed: Set<string> | undefined,
    paging: NormalisedPaging,
  ): SerialisedBody {
    const json = () =>
      this.view(query, allowed).pageJson(
        this,
        paging,
        this.pointsView(query, allowed),
      );
    if (allowed) return serialised(json(), false);
    const key = JSON.stringify([normaliseFilter(query), paging]);
    let page = this.pages.get(key);
    if (!page) {
      page = serialised(json(), true);
      this.pages.set(key, page);
    }
    return page;
  }

  private matches(r: OverviewDbRow, f: Filter): boolean {
    if (f.owner && (r.owner === null || !f.owner.includes(r.owner)))
      return false;
    if (f.system && (r.system === null || !f.system.includes(r.system)))
      return false;
    if (f.kind && !f.kind.includes(lower(r.kind))) return false;
    if (
      f.lifecycle &&
      (r.lifecycle === null || !f.lifecycle.includes(lower(r.lifecycle)))
    )
      return false;
    if (f.grade && (r.grade === null || !f.grade.includes(r.grade)))
      return false;
    if (f.level && (r.level === null || !f.level.includes(r.level)))
      return false;
    if (f.quadrant) {
      const quadrant = quadrantOfRow(r);
      if (quadrant === null || !f.quadrant.includes(quadrant)) return false;
    }
    if (f.cluster) {
      const has = this.clustersOf.get(r.entity_ref);
      if (!has || !f.cluster.some(c => has.has(c))) return false;
    }
    return f.q === undefined || matchesText(r, f.q);
  }
}

/** One filtered set of rows, with what is computed over all of them done once. */
export class FilteredView {
  private readonly sorted = new Map<string, OverviewDbRow[]>();
  private distributionSummary?: { distribution: Distribution; json: string };
  private pointsSummary?: { points: OverviewResponse['points']; json: string };

  constructor(readonly rows: OverviewDbRow[]) {}

  sortedBy(sort: OverviewSortField, order: 'asc' | 'desc'): OverviewDbRow[] {
    const key = `${sort}:${order}`;
    let s = this.sorted.get(key);
    if (!s) {
      s = sortRows([...this.rows], sort, order);
      this.sorted.set(key, s);
    }
    return s;
  }

  /** the distribution over these rows, and its JSON */
  distribution() {
    if (!this.distributionSummary) {
      const distribution = distributionOf(this.rows);
      this.distributionSummary = {
        distribution,
        json: JSON.stringify(distribution),
      };
    }
    return this.distributionSummary;
  }

  /** the quadrant points of these rows, and their JSON */
  points() {
    if (!this.pointsSummary) {
      const points = pointsOf(this.rows);
      this.pointsSummary = { points, json: JSON.stringify(points) };
    }
    return this.pointsSummary;
  }

  /**
   * The overview response as JSON, key for key what JSON.stringify(listOverview(...)) gives;
   * the points are those of `pointsFrom` (the view without the quadrant filter).
   */
  pageJson(
    snapshot: OverviewSnapshot,
    paging: NormalisedPaging,
    pointsFrom: FilteredView = this,
  ): string {
    const page = this.sortedBy(paging.sort, paging.order)
      .slice(paging.offset, paging.offset + paging.limit)
      .map(r => snapshot.row(r));
    return `{"total":${this.rows.length},"rows":${JSON.stringify(
      page,
    )},"distribution":${this.distribution().json},"points":${
      pointsFrom.points().json
    }}`;
  }
}

interface Filter {
  owner?: string[];
  system?: string[];
  kind?: string[];
  lifecycle?: string[];
  grade?: string[];
  level?: string[];
  cluster?: string[];
  quadrant?: string[];
  q?: string;
}

const lower = (s: string) => s.toLocaleLowerCase('en-US');

/** the query's filters as the SQL version applied them, in a canonical form usable as a cache key */
function normaliseFilter(query: OverviewStoreQuery): Filter {
  const list = (v: string[] | undefined, map: (s: string) => string = s => s) =>
    v && v.length ? [...new Set(v.map(map))].sort() : undefined;
  const f: Filter = {
    owner: list(query.owner, normRef),
    system: list(query.system, normRef),
    kind: list(query.kind, lower),
    lifecycle: list(query.lifecycle, lower),
    grade: list(query.grade),
    level: list(query.level),
    cluster: list(query.cluster),
    quadrant: list(query.quadrant),
  };
  if (query.q && query.q.trim()) f.q = query.q;
  return f;
}

/** A deep copy of a cached value, for public methods whose callers may mutate what they get. */
export function copyOf<V>(value: V): V {
  return JSON.parse(JSON.stringify(value));
}
