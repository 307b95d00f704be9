import { EntityClusterDbRow, EntityDbRow, bool } from './rows';

/**
 * An entity's scorecard as served (`GET /entities/:ref`), assembled from the JSON the store keeps
 * in its rows without parsing it. An entity in 30 clusters has about 0.6 MB of results; parsing
 * them and serialising them again was most of an uncached read's time on the event loop, and in a
 * large catalog most reads are uncached.
 *
 * The bytes are those of `JSON.stringify` of the parsed scorecard: the JSON columns are written by
 * `JSON.stringify` (compact, keys in their stored order), and parsing and serialising such text
 * again gives the same text. Every value that is not stored JSON goes through `JSON.stringify`.
 */
export interface EntityJson {
  json: string;
  /** the clusters not stale as stored: when they were collected, and where their `false` is */
  fresh: { collectedAt: string | null; at: number }[];
}

/** A cluster row's status as the clusters table has it (the latest attempt). */
export interface StoredClusterStatus {
  error: string | null;
  stale: boolean | number | null;
}

/** `,"key":value` as JSON.stringify writes a property; nothing for an undefined value, as it omits it. */
function prop(key: string, value: unknown, first = false): string {
  const text = JSON.stringify(value);
  return text === undefined ? '' : `${first ? '' : ','}${JSON.stringify(key)}:${text}`;
}

/** `,"key":<stored JSON>`; the text is the column's, written by JSON.stringify. */
function rawProp(key: string, stored: string): string {
  return `,${JSON.stringify(key)}:${stored}`;
}

/** The elements of a stored JSON array (`a,b` of `[a,b]`); '' for an empty one. */
export function arrayElements(text: string): string {
  const s = text.trim();
  if (!s.startsWith('[') || !s.endsWith(']')) throw new Error('stored results are not a JSON array');
  const inner = s.slice(1, -1);
  return inner.trim() === '' ? '' : inner;
}

/**
 * The scorecard's text around its results: `head` ends with `"results":[` and `tail` starts with the
 * `]` that closes them. Between them go the elements of each cluster row's results, then the
 * entity's own (`row.results`), joined by commas: the store keeps each cluster's gzipped apart.
 */
export interface EntityParts {
  head: string;
  tail: string;
  fresh: EntityJson['fresh'];
}

export function entityParts(
  row: EntityDbRow,
  clusterRows: Omit<EntityClusterDbRow, 'results'>[],
  statuses: Map<string, StoredClusterStatus>,
): EntityParts {
  let head =
    `{${prop('entityRef', row.entity_ref, true)}${prop('kind', row.kind)}${prop('namespace', row.namespace)}` +
    `${prop('name', row.name)}${prop('title', row.title)}${prop('owner', row.owner)}${prop('system', row.system)}` +
    `${prop('lifecycle', row.lifecycle)}${rawProp('match', row.match)}${prop('state', row.state)}` +
    `${row.combined === null ? prop('combined', null) : rawProp('combined', row.combined)},"clusters":[`;
  const fresh: EntityJson['fresh'] = [];
  clusterRows.forEach((c, i) => {
    const status = statuses.get(c.cluster);
    const stale = bool(c.stale) || bool(status?.stale);
    head += `${i > 0 ? ',' : ''}{${prop('cluster', c.cluster, true)}${prop('collectedAt', c.collected_at)},"stale":`;
    if (!stale) fresh.push({ collectedAt: c.collected_at, at: head.length });
    head +=
      `${stale}${prop('error', status?.error ?? c.error)}${rawProp('workloads', c.workloads)}` +
      `${rawProp('scorecard', c.scorecard)}${c.resources ? rawProp('resources', c.resources) : ''}` +
      `${c.shared_with ? rawProp('sharedWith', c.shared_with) : ''}}`;
  });
  head += '],"results":[';
  const tail = `]${prop('updatedAt', row.updated_at)}${prop('lastChangedAt', row.last_changed_at)}}`;
  return { head, tail, fresh };
}

/** The JSON with the fresh clusters that `isOld` finds too old marked stale (`false` becomes `true`). */
export function markOld(e: EntityJson, isOld: (collectedAt: string | null) => boolean): string {
  const old = e.fresh.filter(f => isOld(f.collectedAt));
  if (old.length === 0) return e.json;
  const pieces: string[] = [];
  let from = 0;
  for (const f of old) {
    pieces.push(e.json.slice(from, f.at), 'true');
    from = f.at + 'false'.length;
  }
  pieces.push(e.json.slice(from));
  return pieces.join('');
}
