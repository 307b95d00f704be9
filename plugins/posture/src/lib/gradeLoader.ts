import { OverviewRow, PostureApi } from '@posture-dev/backstage-plugin-posture-common';

/** The kinds Posture scores (the backend's refresher reads only these from the catalog). */
export const SCORED_KINDS: readonly string[] = ['component', 'resource'];

/** The overview's largest page (the REST API refuses a larger `limit`). */
export const OVERVIEW_PAGE_SIZE = 500;

export interface EntityRefParts {
  kind: string;
  namespace?: string;
  name: string;
}

type Waiter = { resolve: (row: OverviewRow | null) => void; reject: (error: unknown) => void };

/** The overview's ref form: lower case, as the backend stores it. */
export function gradeKey(ref: EntityRefParts): string {
  return `${ref.kind}:${ref.namespace ?? 'default'}/${ref.name}`.toLocaleLowerCase('en-US');
}

/**
 * Reads the posture of many entities with as few overview requests as possible: every `load` made
 * in the same tick (one catalog table page mounting its cells) is answered by ONE
 * `GET /overview?kind=…&limit=500`, and the rows it returns answer later loads too until they are
 * `ttlMs` old, so paging through the table asks again only when the data may have changed. Batches
 * run one at a time: loads made while a request is in flight wait for its rows before asking. Only a
 * page of more than 500 scored entities of those kinds needs a second request, and only when a
 * requested entity was not on the first.
 *
 * `null` means the overview does not list the entity: not scored yet, or not readable by the user.
 */
export class PostureGradeLoader {
  private readonly cache = new Map<string, { row: OverviewRow | null; at: number }>();
  private readonly pending = new Map<string, { kind: string; waiters: Waiter[] }>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  // batches run one after another, so a batch made while one is in flight can be answered by its rows
  private queue: Promise<void> = Promise.resolve();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(
    private readonly api: Pick<PostureApi, 'getOverview'>,
    options: { ttlMs?: number; now?: () => number } = {},
  ) {
    this.ttlMs = options.ttlMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  load(ref: EntityRefParts): Promise<OverviewRow | null> {
    const key = gradeKey(ref);
    const cached = this.cache.get(key);
    if (cached && this.now() - cached.at < this.ttlMs) return Promise.resolve(cached.row);
    return new Promise((resolve, reject) => {
      const entry = this.pending.get(key) ?? { kind: ref.kind.toLocaleLowerCase('en-US'), waiters: [] };
      entry.waiters.push({ resolve, reject });
      this.pending.set(key, entry);
      // a macrotask, not a microtask: every cell of the page has made its request by then
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        this.queue = this.queue.then(() => this.flush());
      }, 0);
    });
  }

  /** Never rejects: a failure is handed to the batch's waiters, and the queue goes on. */
  private async flush(): Promise<void> {
    const batch = new Map(this.pending);
    this.pending.clear();
    // a table that re-renders while the first request is in flight asks again for the same rows:
    // answer those from what the previous batch brought
    for (const [key, entry] of batch) {
      const cached = this.cache.get(key);
      if (cached && this.now() - cached.at < this.ttlMs) {
        entry.waiters.forEach(w => w.resolve(cached.row));
        batch.delete(key);
      }
    }
    if (batch.size === 0) return;
    const kinds = [...new Set([...batch.values()].map(e => e.kind))].sort();
    const found = new Map<string, OverviewRow>();
    try {
      for (let offset = 0; ; offset += OVERVIEW_PAGE_SIZE) {
        const page = await this.api.getOverview({ kind: kinds, sort: 'name', limit: OVERVIEW_PAGE_SIZE, offset });
        const at = this.now();
        for (const row of page.rows) {
          const key = row.entityRef.toLocaleLowerCase('en-US');
          found.set(key, row);
          this.cache.set(key, { row, at });
        }
        const missing = [...batch.keys()].some(k => !found.has(k));
        if (!missing || offset + OVERVIEW_PAGE_SIZE >= page.total || page.rows.length === 0) break;
      }
    } catch (error) {
      for (const entry of batch.values()) entry.waiters.forEach(w => w.reject(error));
      return;
    }
    const at = this.now();
    for (const [key, entry] of batch) {
      const row = found.get(key) ?? null;
      if (!row) this.cache.set(key, { row: null, at });
      entry.waiters.forEach(w => w.resolve(row));
    }
  }
}

// one loader per API instance, so every cell of every table in the app shares the batch and cache
const loaders = new WeakMap<object, PostureGradeLoader>();

export function gradeLoaderFor(api: Pick<PostureApi, 'getOverview'>): PostureGradeLoader {
  let loader = loaders.get(api);
  if (!loader) {
    loader = new PostureGradeLoader(api);
    loaders.set(api, loader);
  }
  return loader;
}
