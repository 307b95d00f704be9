import { RequestTarget, RequestVerb } from './faults';

export interface RequestLogEntry extends RequestTarget {
  seq: number;
  /** Undefined while the request is pending (or hung and never answered). */
  status?: number;
  /** The fault types that hit the request. */
  faults: string[];
  /** The client went away before an answer was complete. */
  aborted: boolean;
  startedAt: number;
  durationMs?: number;
}

export interface RequestFilter {
  /** Plural, resource key, Kind or short name. */
  resource?: string;
  method?: string;
  path?: string | RegExp;
  namespace?: string;
  name?: string;
  verb?: RequestVerb;
  status?: number;
  /** Only requests whose query has this parameter (e.g. 'continue'). */
  withQuery?: string;
}

/**
 * Counts and logs every request. Exposed as `server.stats`; tests read the
 * fields directly or filter the log with `count` / `requests`.
 */
export class RequestStats {
  total = 0;
  /** Requests per path (query excluded). */
  byPath: Record<string, number> = {};
  /** Requests per resource key (`pods`, `deployments.apps`). */
  byResource: Record<string, number> = {};
  log: RequestLogEntry[] = [];
  /** Response bytes written (bodies, as sent), for the bytes-per-collection figures. */
  bytesSent = 0;
  private seq = 0;

  constructor(
    private readonly resolveResource: (name: string) => string[],
    private readonly maxLogEntries = 100_000,
  ) {}

  record(target: RequestTarget): RequestLogEntry {
    this.total++;
    this.byPath[target.path] = (this.byPath[target.path] ?? 0) + 1;
    if (target.resource) {
      this.byResource[target.resource] =
        (this.byResource[target.resource] ?? 0) + 1;
    }
    const entry: RequestLogEntry = {
      ...target,
      seq: ++this.seq,
      faults: [],
      aborted: false,
      startedAt: Date.now(),
    };
    this.log.push(entry);
    // a long benchmark must not grow memory without bound; counters stay exact
    if (this.log.length > this.maxLogEntries)
      this.log.splice(0, this.log.length - this.maxLogEntries);
    return entry;
  }

  reset(): void {
    this.total = 0;
    this.byPath = {};
    this.byResource = {};
    this.log = [];
    this.bytesSent = 0;
  }

  requests(filter: RequestFilter = {}): RequestLogEntry[] {
    const resources =
      filter.resource !== undefined
        ? new Set(this.resolveResource(filter.resource))
        : undefined;
    if (resources && resources.size === 0) {
      throw new Error(`unknown resource ${JSON.stringify(filter.resource)}`);
    }
    return this.log.filter(e => {
      if (resources && (e.resource === undefined || !resources.has(e.resource)))
        return false;
      if (
        filter.method !== undefined &&
        e.method !== filter.method.toUpperCase()
      )
        return false;
      if (filter.path instanceof RegExp && !filter.path.test(e.path))
        return false;
      if (typeof filter.path === 'string' && e.path !== filter.path)
        return false;
      if (filter.namespace !== undefined && e.namespace !== filter.namespace)
        return false;
      if (filter.name !== undefined && e.name !== filter.name) return false;
      if (filter.verb !== undefined && e.verb !== filter.verb) return false;
      if (filter.status !== undefined && e.status !== filter.status)
        return false;
      if (
        filter.withQuery !== undefined &&
        e.query[filter.withQuery] === undefined
      )
        return false;
      return true;
    });
  }

  count(filter: RequestFilter = {}): number {
    return this.requests(filter).length;
  }

  /**
   * e.g. `wasRequested('secrets')`: any request that addressed the resource.
   * Reads the counters, so it stays exact when the log was trimmed.
   */
  wasRequested(resource: string): boolean {
    const keys = this.resolveResource(resource);
    if (keys.length === 0)
      throw new Error(`unknown resource ${JSON.stringify(resource)}`);
    return keys.some(k => (this.byResource[k] ?? 0) > 0);
  }
}
