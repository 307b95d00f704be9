/**
 * Fault injection: which requests a fault hits, and what it does to them.
 */

export type RequestVerb =
  | 'list'
  | 'get'
  | 'discovery'
  | 'version'
  | 'health'
  | 'other';

/** What a routed request is about; faults and stats filter on it. */
export interface RequestTarget {
  method: string;
  path: string;
  query: Record<string, string>;
  verb: RequestVerb;
  /** kubectl-style resource key: `pods`, `deployments.apps`. */
  resource?: string;
  kind?: string;
  group?: string;
  namespace?: string;
  name?: string;
}

export interface FaultMatch {
  /**
   * Exact path, a glob (`*` = one path segment or part of one, `**` =
   * anything), or a RegExp tested against the path without query.
   */
  path?: string | RegExp;
  /**
   * Plural (`secrets`), resource key (`deployments.apps`), Kind (`Secret`)
   * or short name; any of the listed.
   */
  resource?: string | string[];
  namespace?: string;
  verb?: RequestVerb | RequestVerb[];
  /** Only requests that carry a `continue` token (default true for `expired`). */
  withContinue?: boolean;
  /** Let this many matching requests through first. */
  skip?: number;
  /** Hit only this many matching requests (after skip), then stop. */
  times?: number;
}

export type FaultAction =
  /** Delays the answer; other faults still apply after the delay. */
  | { fault: 'latency'; ms: number }
  /** Never answers, until the client gives up or the server closes. */
  | { fault: 'hang' }
  /** Answers a Status error: 401, 403, 404, 429, 500, 503, 504... */
  | { fault: 'status'; code: number; reason?: string; message?: string }
  /** 410 Expired, as for a continue token older than the etcd compaction. */
  | { fault: 'expired' }
  /** A complete HTTP answer whose JSON body is cut short (invalid JSON). */
  | { fault: 'truncate' }
  /**
   * The connection drops mid-body. With `chunked` framing (default)
   * node-fetch reports "Premature close"; with `content-length` framing
   * client-node 1.4.0 (node-fetch 2) never notices and waits forever unless
   * the request carries an AbortSignal deadline.
   */
  | { fault: 'reset'; framing?: 'chunked' | 'content-length' };

export type FaultSpec = FaultMatch & FaultAction;

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (c === '*') {
      re += '[^/]*';
    } else {
      re += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${re}$`);
}

export type ResourceResolver = (name: string) => string[];

interface ActiveFault {
  spec: FaultSpec;
  pathRe?: RegExp;
  resources?: Set<string>;
  seen: number;
}

/** The faults of one cluster; counters for skip/times live here. */
export class FaultSet {
  private faults: ActiveFault[] = [];

  constructor(private readonly resolveResource: ResourceResolver) {}

  set(specs: readonly FaultSpec[]): void {
    this.faults = specs.map(spec => this.activate(spec));
  }

  add(spec: FaultSpec): () => void {
    const active = this.activate(spec);
    this.faults.push(active);
    return () => {
      this.faults = this.faults.filter(f => f !== active);
    };
  }

  list(): FaultSpec[] {
    return this.faults.map(f => f.spec);
  }

  private activate(spec: FaultSpec): ActiveFault {
    let pathRe: RegExp | undefined;
    if (spec.path instanceof RegExp) pathRe = spec.path;
    else if (typeof spec.path === 'string') pathRe = globToRegExp(spec.path);
    let resources: Set<string> | undefined;
    if (spec.resource !== undefined) {
      const names = Array.isArray(spec.resource)
        ? spec.resource
        : [spec.resource];
      resources = new Set(names.flatMap(n => this.resolveResource(n)));
      if (resources.size === 0) {
        throw new Error(
          `fault names unknown resource ${JSON.stringify(spec.resource)}`,
        );
      }
    }
    return { spec, pathRe, resources, seen: 0 };
  }

  private matches(f: ActiveFault, t: RequestTarget): boolean {
    const s = f.spec;
    if (f.pathRe && !f.pathRe.test(t.path)) return false;
    if (
      f.resources &&
      (t.resource === undefined || !f.resources.has(t.resource))
    )
      return false;
    if (s.namespace !== undefined && t.namespace !== s.namespace) return false;
    if (s.verb !== undefined) {
      const verbs = Array.isArray(s.verb) ? s.verb : [s.verb];
      if (!verbs.includes(t.verb)) return false;
    }
    const withContinue =
      s.withContinue ?? (s.fault === 'expired' ? true : undefined);
    if (
      withContinue !== undefined &&
      (t.query.continue !== undefined) !== withContinue
    )
      return false;
    return true;
  }

  /**
   * The faults that hit this request, in declaration order; counting a
   * request against skip/times happens here, once per request.
   */
  select(t: RequestTarget): FaultSpec[] {
    const hits: FaultSpec[] = [];
    for (const f of this.faults) {
      if (!this.matches(f, t)) continue;
      f.seen++;
      const skip = f.spec.skip ?? 0;
      if (f.seen <= skip) continue;
      if (f.spec.times !== undefined && f.seen > skip + f.spec.times) continue;
      hits.push(f.spec);
    }
    return hits;
  }
}
