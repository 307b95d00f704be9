import { AuthService } from '@backstage/backend-plugin-api';
import { Entity, RELATION_PARENT_OF, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';

/** What the roll-ups and campaigns need to know about the catalog beyond the stored scorecards. */
export interface OrgDirectory {
  /** the group followed by every group below it (breadth first); just the group when it has no children */
  groupTree(groupRef: string): Promise<string[]>;
  /** the direct child groups of a group */
  childGroups(groupRef: string): Promise<string[]>;
  /** refs (lower case) of the entities carrying any of the tags */
  entitiesTagged(tags: string[]): Promise<Set<string>>;
}

const norm = (ref: string) => ref.toLocaleLowerCase('en-US');

/** The parent → children map of every Group, from the catalog's `parentOf` relations (and `spec.children`). */
export function childrenMap(groups: Entity[]): Map<string, string[]> {
  const children = new Map<string, Set<string>>();
  const add = (parent: string, child: string) => {
    const set = children.get(parent) ?? new Set<string>();
    set.add(norm(child));
    children.set(parent, set);
  };
  for (const g of groups) {
    const ref = norm(stringifyEntityRef(g));
    for (const r of g.relations ?? []) {
      if (r.type === RELATION_PARENT_OF && typeof r.targetRef === 'string') add(ref, r.targetRef);
    }
    const specChildren = (g.spec as { children?: unknown } | undefined)?.children;
    if (Array.isArray(specChildren)) {
      for (const c of specChildren) {
        if (typeof c !== 'string' || c.length === 0 || c.length > 512) continue;
        const childRef = c.includes(':') ? c : `group:${g.metadata.namespace ?? 'default'}/${c}`;
        add(ref, childRef);
      }
    }
  }
  return new Map([...children.entries()].map(([k, v]) => [k, [...v].sort()]));
}

/** Breadth-first walk below `root`; a cycle in the catalog (a group listed as its own ancestor) stops the walk there. */
export function subtree(children: Map<string, string[]>, root: string): string[] {
  const start = norm(root);
  const seen = new Set<string>([start]);
  const order = [start];
  for (let i = 0; i < order.length; i++) {
    for (const c of children.get(order[i]) ?? []) {
      if (seen.has(c)) continue;
      seen.add(c);
      order.push(c);
    }
  }
  return order;
}

/**
 * Reads the group hierarchy from the catalog with the plugin's own credentials (the hierarchy is
 * not what a user may read; the rows rolled up are filtered per user afterwards). The hierarchy is
 * kept for `ttlMs`, so a page of roll-ups costs one catalog query.
 */
export class CatalogOrgDirectory implements OrgDirectory {
  private cached?: { at: number; promise: Promise<Map<string, string[]>> };

  constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
    private readonly ttlMs = 60_000,
  ) {}

  private async hierarchy(): Promise<Map<string, string[]>> {
    const now = Date.now();
    if (!this.cached || now - this.cached.at > this.ttlMs) {
      const promise = (async () => {
        const credentials = await this.auth.getOwnServiceCredentials();
        const { items } = await this.catalog.getEntities(
          {
            filter: { kind: 'Group' },
            fields: ['kind', 'metadata.name', 'metadata.namespace', 'spec.children', 'relations'],
          },
          { credentials },
        );
        return childrenMap(items);
      })();
      this.cached = { at: now, promise };
      promise.catch(() => {
        if (this.cached?.promise === promise) this.cached = undefined;
      });
    }
    return this.cached.promise;
  }

  async groupTree(groupRef: string): Promise<string[]> {
    return subtree(await this.hierarchy(), groupRef);
  }

  async childGroups(groupRef: string): Promise<string[]> {
    return (await this.hierarchy()).get(norm(groupRef)) ?? [];
  }

  async entitiesTagged(tags: string[]): Promise<Set<string>> {
    const wanted = tags.map(t => t.toLocaleLowerCase('en-US'));
    if (wanted.length === 0) return new Set();
    const credentials = await this.auth.getOwnServiceCredentials();
    const { items } = await this.catalog.getEntities(
      { filter: { 'metadata.tags': wanted }, fields: ['kind', 'metadata.name', 'metadata.namespace'] },
      { credentials },
    );
    return new Set(items.map(e => norm(stringifyEntityRef(e))));
  }
}
