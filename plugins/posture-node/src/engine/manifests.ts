import { CORE_SCHEMA, YAMLException, load as loadFast } from 'js-yaml';
import { Alias, Document, Node, YAMLMap, isAlias, isCollection, isMap, isScalar, isSeq, parseDocument, visit } from 'yaml';
import { K8sObject, ObjectOrigin, obj } from './k8s';
import { DocumentSpan, documentText, splitYamlDocuments } from './yamlDocuments';

export interface ParseError {
  file?: string;
  documentIndex?: number;
  /** 1-based line of the problem, when known */
  line?: number;
  message: string;
}

export interface ParsedManifests {
  objects: K8sObject[];
  origins: ObjectOrigin[];
  errors: ParseError[];
  /** every document of the text, in order; `documentIndex` indexes this */
  documents: DocumentSpan[];
}

/** State shared by the files of one scan. */
export interface ParseState {
  /** workloads named only by `metadata.generateName` so far (each gets a distinct stand-in name) */
  generated: number;
}

export interface ParseOptions {
  state?: ParseState;
}

/**
 * Guards against "billion laughs" documents: yaml expands aliases lazily, and
 * this caps it. A merge of an alias (`<<: *a`) is counted as an alias: the
 * library resolves it through the same counted path.
 */
const MAX_ALIAS_COUNT = 100;
/** kubectl flattens Lists of Lists to any depth; this only stops a hostile nesting from going on forever */
const MAX_LIST_DEPTH = 64;

/**
 * Documents that use what the fast reader cannot bound or represent go to
 * the full `yaml` reader:
 * - aliases: js-yaml shares the aliased node and has no cap, and a nested
 *   alias graph makes every walk of the object exponential. An alias can
 *   stand in more places than any pattern of its neighbours covers (after
 *   `:` in `{"k":*a}`, after `? `, `- `, …), but it can only name an anchor of
 *   its own document: a document with both an `&name` and a `*name` goes to
 *   the capped reader, wherever they are. Most manifests have no `&` at all.
 * - merge keys (`<<`): kubectl's go-yaml merges them, js-yaml's core schema
 *   reads `<<` as a plain key (so `{<<: {privileged: true}}` was read as not
 *   privileged). Only the full reader merges: it checks that a merge means
 *   the same to go-yaml, and counts a merged alias against the cap. A merge
 *   key is a plain `<<`, so a document without those two characters has none;
 *   js-yaml keeps a schema without the merge type, so that a `!!merge` tag
 *   without `<<` is an error there, as in the full reader.
 * - explicit `?` keys and flow collections used as keys (a collection key
 *   would be stringified, quoting its values), and `%` directives.
 * False positives (an `&` in a URL and a `*` in a cron schedule, a `<<` in a
 * shell script) only cost speed.
 */
const ANCHOR = /&[^\s,[\]{}]/;
const ALIAS = /\*[^\s,[\]{}]/;
const NEEDS_FULL_READER = /(?:^|[\s,[{])\?(?:[ \t\r\n]|$)|[\]}][ \t]*:/m;

function needsFullReader(source: string): boolean {
  return (
    source.includes('<<') || (ANCHOR.test(source) && ALIAS.test(source)) || NEEDS_FULL_READER.test(source)
  );
}

/**
 * A key is shown in an error only when it looks like a Kubernetes field name
 * (letters only, as `privileged` or `runAsUser`): a key can itself be a
 * credential (a data key in a flow mapping), and those mix digits and signs.
 */
const SHOWABLE_KEY = /^[A-Za-z]{1,40}$/;

/**
 * Parses YAML or JSON text into objects: multi-document files, `kind: List`
 * (and `*List` kinds), nested to any depth as kubectl flattens them. A
 * document that does not parse is reported with its index and line, and the
 * others are still returned. Duplicate keys are an error, as in kubectl's
 * strict field validation; merge keys (`<<`) are applied, as kubectl's go-yaml
 * applies them. Lines may end in CRLF, and a document may start with a BOM.
 * Error messages never quote the document's text: it can be a Secret.
 */
export function parseManifests(text: string, file?: string, options: ParseOptions = {}): ParsedManifests {
  const state = options.state ?? { generated: 0 };
  const documents = splitYamlDocuments(text);
  const out: ParsedManifests = { objects: [], origins: [], errors: [], documents };
  documents.forEach((doc, documentIndex) => {
    if (!doc.hasContent) return; // a marker or comments only
    const fail = (message: string, line?: number) =>
      out.errors.push({ file, documentIndex, ...(line !== undefined ? { line } : {}), message });
    const bom = doc.strayByteOrderMark;
    if (bom !== undefined) {
      fail(`document ${documentIndex} has a byte order mark (U+FEFF) at the start of line ${bom}, inside the document: remove it`, bom);
      return;
    }
    // the BOMs that YAML allows at a document's start are left out; lines stay as they are
    const source = documentText(text, doc);
    const read = doc.directive || needsFullReader(source) ? readFull(source, doc) : readFast(source, doc);
    if ('error' in read) {
      fail(`document ${documentIndex} ${read.error}`, read.line);
      return;
    }
    const value = read.value;
    if (value === null || value === undefined) {
      fail(`document ${documentIndex} is null: it holds no object`, doc.line);
      return;
    }
    collectObjects(value, documentIndex, file, out, state, fail);
  });
  return out;
}

type Read = { value: unknown } | { error: string; line?: number };

function readFast(source: string, doc: DocumentSpan): Read {
  try {
    return { value: loadFast(source, { schema: CORE_SCHEMA, onWarning: () => {} }) };
  } catch (e) {
    if (!(e instanceof YAMLException)) return { error: 'cannot be read' };
    const line = e.mark ? doc.startLine + e.mark.line : undefined;
    if (e.reason === 'duplicated mapping key') {
      return { error: duplicateKeyMessage(source, e.mark?.position, line), line };
    }
    return { error: `does not parse${line !== undefined ? ` at line ${line}` : ''}: ${inertReason(e.reason)}`, line };
  }
}

function readFull(source: string, doc: DocumentSpan): Read {
  const lineAt = (offset: number) => {
    let n = doc.startLine;
    for (let i = source.indexOf('\n'); i >= 0 && i < offset; i = source.indexOf('\n', i + 1)) n++;
    return n;
  };
  // logLevel 'error': the library's warnings (which quote keys) never reach process warnings.
  // merge: `<<` merges, as in go-yaml (YAML 1.1), which kubectl reads manifests with.
  // uniqueKeys off: the library compares each key with every earlier key of its
  // mapping (a 20,000-key mapping took 12 s); the walk below does it with a set.
  const parsed = parseDocument(source, { merge: true, uniqueKeys: false, prettyErrors: false, logLevel: 'error' });
  const err = parsed.errors[0];
  if (err) {
    const line = lineAt(err.pos[0]);
    return { error: `does not parse at line ${line}: ${err.code.toLowerCase().replace(/_/g, ' ')}`, line };
  }
  let problem: { at: number; kind: 'collection key' | 'duplicate' | 'merge spelling' } | undefined;
  let mergeAfterKeys = false;
  visit(parsed, {
    Map(_, map) {
      const seen = new Set<string>();
      for (let i = 0; i < map.items.length; i++) {
        const key = map.items[i].key;
        if (!isScalar(key)) continue; // a collection or alias key: refused below
        if (isMergeKey(key)) {
          // go-yaml merges only a `<<` (optionally tagged !!merge), not an empty !!merge
          if (source.slice(key.range![0], key.range![1]) !== '<<') {
            problem = { at: key.range![0], kind: 'merge spelling' };
            return visit.BREAK;
          }
          if (i > 0) mergeAfterKeys = true;
          continue;
        }
        // as keys of the object, values are strings: `1` and "1" are one key
        const name = String(key.value);
        if (seen.has(name)) {
          problem = { at: key.range?.[0] ?? 0, kind: 'duplicate' };
          return visit.BREAK;
        }
        seen.add(name);
      }
      return undefined;
    },
    Pair(_, pair) {
      if (isCollection(pair.key) || isAlias(pair.key)) {
        problem = { at: (pair.key as { range?: [number, number, number] }).range?.[0] ?? 0, kind: 'collection key' };
        return visit.BREAK;
      }
      return undefined;
    },
  });
  if (problem) {
    const line = lineAt(problem.at);
    if (problem.kind === 'duplicate') return { error: duplicateKeyMessage(source, problem.at, line), line };
    if (problem.kind === 'merge spelling') {
      return { error: `has a merge key that is not a plain << at line ${line} (go-yaml, which kubectl reads with, would not merge it)`, line };
    }
    return { error: `has a mapping key that is a collection or alias at line ${line} (Kubernetes keys are strings)`, line };
  }
  let value: unknown;
  try {
    value = parsed.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    // first: "Merge sources must be maps or map aliases" names aliases too
    const message = (e as Error).message;
    if (/merge/i.test(message)) return { error: 'cannot be read: a merge key (<<) takes a mapping, or a list of mappings' };
    if (/alias/i.test(message)) return { error: 'cannot be read: too many alias expansions' };
    return { error: 'cannot be read' };
  }
  // after toJS: its alias cap bounds what merges expand to, and so what this check walks
  const conflict = mergeAfterKeys ? mergeConflict(parsed) : undefined;
  if (conflict !== undefined) {
    const line = lineAt(conflict);
    return {
      error: `has a merge key (<<) at line ${line} that sets a key set before it in its mapping (YAML readers disagree on which value wins, kubectl takes the merged one): write the << first`,
      line,
    };
  }
  return { value };
}

/** A `<<` that the `merge` option reads as a merge key (the library gives it a symbol value). */
function isMergeKey(key: unknown): boolean {
  return isScalar(key) && typeof key.value === 'symbol';
}

/**
 * The offset of the first merge key that sets a key already set before it in
 * its mapping, if any. YAML has explicit keys win over merged ones wherever
 * they are, and the earlier of two merges wins (js-yaml and `yaml` do so);
 * go-yaml, which kubectl reads with, applies a mapping's entries in order, a
 * merge overwriting what came before it. They agree but for this case.
 */
function mergeConflict(parsed: Document): number | undefined {
  // what each alias refers to: the last node before it with its anchor, as the library resolves it
  const anchored = new Map<string, Node>();
  const target = new Map<Alias, Node>();
  visit(parsed, {
    Node(_, node) {
      if (isAlias(node)) {
        const t = anchored.get(node.source);
        if (t) target.set(node, t);
      } else if (node.anchor) anchored.set(node.anchor, node);
    },
  });
  const deref = (n: unknown) => (isAlias(n) ? target.get(n) : n);
  const sources = (value: unknown): YAMLMap[] => {
    const v = deref(value);
    const items = isSeq(v) ? v.items.map(deref) : [v];
    return items.filter((m): m is YAMLMap => isMap(m));
  };
  // the keys a mapping has once merged; null while being computed (a cycle, which toJS refused)
  const memo = new Map<YAMLMap, Set<string> | null>();
  const keysOf = (map: YAMLMap): Set<string> => {
    const known = memo.get(map);
    if (known !== undefined) return known ?? new Set();
    memo.set(map, null);
    const keys = new Set<string>();
    for (const pair of map.items) {
      if (isMergeKey(pair.key)) {
        for (const src of sources(pair.value)) for (const k of keysOf(src)) keys.add(k);
      } else if (isScalar(pair.key)) keys.add(String(pair.key.value));
    }
    memo.set(map, keys);
    return keys;
  };
  let at: number | undefined;
  visit(parsed, {
    Map(_, map) {
      // a mapping whose only merge comes first reads the same to every reader
      if (!map.items.some((p, i) => i > 0 && isMergeKey(p.key))) return undefined;
      const set = new Set<string>();
      for (const pair of map.items) {
        if (!isMergeKey(pair.key)) {
          if (isScalar(pair.key)) set.add(String(pair.key.value));
          continue;
        }
        const merged = new Set<string>();
        for (const src of sources(pair.value)) for (const k of keysOf(src)) merged.add(k);
        for (const k of merged) {
          if (set.has(k)) {
            at = (pair.key as { range?: [number, number, number] }).range?.[0] ?? 0;
            return visit.BREAK;
          }
        }
        for (const k of merged) set.add(k);
      }
      return undefined;
    },
  });
  return at;
}

/** The duplicate key named when it looks like a field name; the value is never shown. */
function duplicateKeyMessage(source: string, position: number | undefined, line: number | undefined): string {
  let key: string | undefined;
  if (position !== undefined) {
    const lineEnd = source.indexOf('\n', position);
    const rest = source.slice(position, lineEnd < 0 ? source.length : lineEnd);
    const m = /^\s*(?:-\s+)*(["']?)([^"':]*)\1\s*:/.exec(rest);
    if (m && SHOWABLE_KEY.test(m[2])) key = m[2];
  }
  return `has a duplicate key${key ? ` "${key}"` : ''}${line !== undefined ? ` at line ${line}` : ''} (kubectl rejects it; remove one of them)`;
}

/** js-yaml's reason without any quoted token (a tag or alias name, which is document text). */
function inertReason(reason: string): string {
  return reason.replace(/"[^"]*"|'[^']*'|<[^>]*>|![^\s]*/g, '…').slice(0, 120);
}

/** Pushes the objects of one document, flattening Lists of Lists as kubectl does. */
function collectObjects(
  value: unknown,
  documentIndex: number,
  file: string | undefined,
  out: ParsedManifests,
  state: ParseState,
  fail: (message: string) => void,
) {
  const top = obj(value);
  if (!top) {
    fail(`document ${documentIndex} is not an object (it is ${Array.isArray(value) ? 'a list' : typeof value})`);
    return;
  }
  // an explicit stack: a List of a List of … cannot exhaust the call stack
  const stack: { o: Record<string, any>; depth: number }[] = [{ o: top, depth: 0 }];
  while (stack.length > 0) {
    const { o, depth } = stack.pop()!;
    const kind = typeof o.kind === 'string' ? o.kind : '';
    if (kind === 'List' || (kind.endsWith('List') && Array.isArray(o.items))) {
      // kubectl reads a List's items into an array: null or none is empty, anything else an error
      if (o.items !== undefined && o.items !== null && !Array.isArray(o.items)) {
        fail(`document ${documentIndex}: the items of a List are not a list (it is ${typeof o.items})`);
        continue;
      }
      if (depth >= MAX_LIST_DEPTH) {
        fail(`document ${documentIndex}: Lists nested more than ${MAX_LIST_DEPTH} deep`);
        continue;
      }
      const items = Array.isArray(o.items) ? o.items : [];
      // pushed in reverse so that items come out in document order
      for (let i = items.length - 1; i >= 0; i--) {
        const io = obj(items[i]);
        if (!io) fail(`document ${documentIndex}: a List item is not an object`);
        else stack.push({ o: io, depth: depth + 1 });
      }
      continue;
    }
    out.objects.push(withGeneratedName(o, state));
    out.origins.push({ file, documentIndex });
  }
}

/**
 * `kubectl create` accepts an object with only `metadata.generateName`; the
 * server names it. It is deployed, so it is judged, under a stand-in name
 * that keeps two such objects apart.
 */
function withGeneratedName(o: Record<string, any>, state: ParseState): K8sObject {
  const meta = obj(o.metadata);
  if (!meta || meta.name !== undefined || typeof meta.generateName !== 'string' || !meta.generateName) return o;
  state.generated++;
  return { ...o, metadata: { ...meta, name: `${meta.generateName}<generated-${state.generated}>` } };
}
