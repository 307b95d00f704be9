import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { applyServerDefaults } from './defaults';
import { ResourceRegistry, ResourceType } from './resources';

export type KubeObject = Record<string, any>;

/** One consistent state of one resource type: objects sorted by etcd key. */
interface Version {
  /** Cluster resourceVersion at which this state became current. */
  rv: number;
  items: readonly KubeObject[];
}

interface TypeState {
  rt: ResourceType;
  byKey: Map<string, KubeObject>;
  /** Oldest first; the last entry is current. */
  versions: Version[];
  ever: boolean;
}

export class UnknownKindError extends Error {}

/** etcd orders by key: namespace, then name. */
export function storeKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

export function keyOf(o: KubeObject): string {
  return storeKey(o.metadata?.namespace, o.metadata?.name);
}

function compareKeys(a: KubeObject, b: KubeObject): number {
  const ka = keyOf(a);
  const kb = keyOf(b);
  if (ka < kb) return -1;
  return ka > kb ? 1 : 0;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o as object)) deepFreeze(v);
  }
  return o;
}

function isObj(v: unknown): v is KubeObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Unwraps `kind: List` (and any `*List` with items) into its objects. */
export function flattenObjects(input: unknown): KubeObject[] {
  if (Array.isArray(input)) return input.flatMap(flattenObjects);
  if (!isObj(input)) return [];
  if (
    typeof input.kind === 'string' &&
    input.kind.endsWith('List') &&
    Array.isArray(input.items)
  ) {
    return input.items.flatMap(flattenObjects);
  }
  return [input];
}

/** Multi-document YAML (or JSON, which is YAML) into objects. */
export function parseYamlObjects(
  text: string,
  source = '<yaml>',
): KubeObject[] {
  const out: KubeObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) {
      throw new Error(`${source}: ${doc.errors[0].message}`);
    }
    out.push(...flattenObjects(doc.toJS()));
  }
  return out;
}

const DATA_FILE = /\.(ya?ml|json)$/i;

/** Every .yaml/.yml/.json file below dir, in a stable order. */
export function loadObjectsFromDir(dir: string): KubeObject[] {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile() && DATA_FILE.test(entry.name)) files.push(p);
    }
  };
  walk(dir);
  files.sort();
  return files.flatMap(f => parseYamlObjects(fs.readFileSync(f, 'utf8'), f));
}

export interface ClusterStoreOptions {
  applyDefaults?: boolean;
  autoCreateNamespaces?: boolean;
  autoCreateDefaultServiceAccounts?: boolean;
  /** Versions kept per resource type; continue tokens older than what is kept expire (410). */
  historyLimit?: number;
  now?: () => Date;
  initialResourceVersion?: number;
}

export interface PutResult {
  stored: KubeObject[];
}

/**
 * The object store of one fake cluster. Objects are immutable once stored,
 * so a list snapshot is just a reference to the array current at its
 * resourceVersion, and paging through it stays consistent while objects
 * change.
 */
export class ClusterStore {
  private rv: number;
  private compactedRv = 0;
  private readonly states = new Map<ResourceType, TypeState>();
  private clusterIpCounter = 0;
  private readonly historyLimit: number;
  private readonly now: () => Date;

  constructor(
    readonly registry: ResourceRegistry,
    private readonly options: ClusterStoreOptions = {},
  ) {
    this.rv = options.initialResourceVersion ?? 1000;
    this.compactedRv = this.rv;
    this.historyLimit = Math.max(1, options.historyLimit ?? 100);
    this.now = options.now ?? (() => new Date());
  }

  get resourceVersion(): number {
    return this.rv;
  }

  /** Lowest resourceVersion still answerable; older snapshots are gone. */
  get compactedResourceVersion(): number {
    return this.compactedRv;
  }

  resourceTypeOf(o: KubeObject): ResourceType {
    const rt = this.registry.byKind(String(o.apiVersion), String(o.kind));
    if (!rt) {
      throw new UnknownKindError(
        `test API server does not serve ${String(o.apiVersion)} ${String(
          o.kind,
        )} (${String(o.metadata?.name)})`,
      );
    }
    return rt;
  }

  private state(rt: ResourceType): TypeState {
    let s = this.states.get(rt);
    if (!s) {
      s = {
        rt,
        byKey: new Map(),
        versions: [{ rv: 0, items: [] }],
        ever: false,
      };
      this.states.set(rt, s);
    }
    return s;
  }

  /** True once any object of the type was stored: the "CRD is installed" signal. */
  hasEverHeld(rt: ResourceType): boolean {
    return this.states.get(rt)?.ever ?? false;
  }

  private allocateClusterIP = (): string => {
    this.clusterIpCounter++;
    // documentation-only range: these addresses are data, never dialled
    return `10.96.${(this.clusterIpCounter >> 8) & 255}.${
      this.clusterIpCounter & 255
    }`;
  };

  private prepare(
    input: KubeObject,
    rt: ResourceType,
    previous?: KubeObject,
  ): KubeObject {
    this.rv++;
    let o: KubeObject;
    if (this.options.applyDefaults === false) {
      o = structuredClone(input);
      o.metadata = isObj(o.metadata) ? o.metadata : {};
      if (rt.namespaced && !o.metadata.namespace)
        o.metadata.namespace = 'default';
      o.metadata.uid ??= randomUUID();
      o.metadata.resourceVersion = String(this.rv);
    } else {
      o = applyServerDefaults(input, {
        namespaced: rt.namespaced,
        resourceVersion: String(this.rv),
        now: this.now(),
        newUid: randomUUID,
        randomSuffix: () => randomUUID().replace(/-/g, '').slice(0, 5),
        allocateClusterIP: this.allocateClusterIP,
      });
    }
    if (previous) {
      // an update keeps identity; generation moves only when the spec changes
      o.metadata.uid = previous.metadata.uid;
      o.metadata.creationTimestamp = previous.metadata.creationTimestamp;
      if (typeof previous.metadata.generation === 'number') {
        const specChanged =
          JSON.stringify(previous.spec) !== JSON.stringify(o.spec);
        o.metadata.generation =
          previous.metadata.generation + (specChanged ? 1 : 0);
      }
    }
    return deepFreeze(o);
  }

  private commit(touched: Set<TypeState>): void {
    for (const s of touched) {
      s.ever = true;
      const items = [...s.byKey.values()].sort(compareKeys);
      s.versions.push({ rv: this.rv, items });
      if (s.versions.length > this.historyLimit) {
        const dropped = s.versions.splice(
          0,
          s.versions.length - this.historyLimit,
        );
        this.compactedRv = Math.max(
          this.compactedRv,
          dropped[dropped.length - 1].rv,
        );
      }
    }
  }

  /** Creates or replaces objects (by kind, namespace and name). */
  put(input: unknown): KubeObject[] {
    const objects = flattenObjects(input);
    const prepared: Array<{ o: KubeObject; rt: ResourceType }> = [];
    for (const o of objects) prepared.push({ o, rt: this.resourceTypeOf(o) });

    const touched = new Set<TypeState>();
    const stored: KubeObject[] = [];
    const namespaces = new Set<string>();
    for (const { o, rt } of prepared) {
      const s = this.state(rt);
      const name = o.metadata?.name;
      const ns = rt.namespaced ? o.metadata?.namespace || 'default' : undefined;
      const previous =
        typeof name === 'string' ? s.byKey.get(storeKey(ns, name)) : undefined;
      const obj = this.prepare(o, rt, previous);
      s.byKey.set(keyOf(obj), obj);
      touched.add(s);
      stored.push(obj);
      if (rt.namespaced) namespaces.add(obj.metadata.namespace);
    }
    this.commit(touched);
    this.ensureNamespaces(namespaces);
    return stored;
  }

  private ensureNamespaces(namespaces: Set<string>): void {
    const extra: KubeObject[] = [];
    if (this.options.autoCreateNamespaces !== false) {
      const nsType = this.registry.byKind('v1', 'Namespace')!;
      const existing = this.state(nsType).byKey;
      for (const ns of namespaces) {
        if (!existing.has(ns))
          extra.push({
            apiVersion: 'v1',
            kind: 'Namespace',
            metadata: { name: ns },
          });
      }
    }
    if (this.options.autoCreateDefaultServiceAccounts) {
      const saType = this.registry.byKind('v1', 'ServiceAccount')!;
      const existing = this.state(saType).byKey;
      for (const ns of namespaces) {
        if (!existing.has(storeKey(ns, 'default'))) {
          extra.push({
            apiVersion: 'v1',
            kind: 'ServiceAccount',
            metadata: { name: 'default', namespace: ns },
          });
        }
      }
    }
    if (extra.length > 0) this.put(extra);
  }

  /** Removes objects; returns how many existed. */
  delete(
    refs: Array<{
      apiVersion: string;
      kind: string;
      namespace?: string;
      name: string;
    }>,
  ): number {
    const touched = new Set<TypeState>();
    let n = 0;
    for (const ref of refs) {
      const rt = this.resourceTypeOf({
        apiVersion: ref.apiVersion,
        kind: ref.kind,
        metadata: { name: ref.name },
      });
      const s = this.state(rt);
      const key = storeKey(
        rt.namespaced ? ref.namespace || 'default' : undefined,
        ref.name,
      );
      if (s.byKey.delete(key)) {
        n++;
        touched.add(s);
      }
    }
    if (touched.size > 0) {
      this.rv++;
      this.commit(touched);
    }
    return n;
  }

  /** Drops all objects and history, as after restoring the cluster from scratch. */
  clear(): void {
    this.states.clear();
    this.compactedRv = this.rv;
  }

  /**
   * Forgets every old snapshot, like etcd compaction: continue tokens and
   * resourceVersions issued before now answer 410 Expired.
   */
  compact(): void {
    this.rv++;
    for (const s of this.states.values()) {
      const current = s.versions[s.versions.length - 1];
      s.versions = [{ rv: this.rv, items: current.items }];
    }
    this.compactedRv = this.rv;
  }

  get(
    rt: ResourceType,
    namespace: string | undefined,
    name: string,
  ): KubeObject | undefined {
    return this.states
      .get(rt)
      ?.byKey.get(storeKey(rt.namespaced ? namespace : undefined, name));
  }

  current(rt: ResourceType): readonly KubeObject[] {
    const s = this.states.get(rt);
    return s ? s.versions[s.versions.length - 1].items : [];
  }

  /**
   * The items of the type as they were at resourceVersion rv, or undefined
   * when that state was compacted away.
   */
  at(rt: ResourceType, rv: number): readonly KubeObject[] | undefined {
    if (rv < this.compactedRv) return undefined;
    const s = this.states.get(rt);
    if (!s) return [];
    for (let i = s.versions.length - 1; i >= 0; i--) {
      if (s.versions[i].rv <= rv) return s.versions[i].items;
    }
    return undefined;
  }

  /** All stored objects, for assertions. */
  all(): KubeObject[] {
    return [...this.states.values()].flatMap(
      s => s.versions[s.versions.length - 1].items,
    );
  }

  types(): ResourceType[] {
    return [...this.states.keys()];
  }
}
