import { CORE_SCHEMA, YAMLException, load as loadFast } from 'js-yaml';
import { isAlias, isCollection, parseDocument, visit } from 'yaml';
import { K8sObject, ObjectOrigin, obj } from './k8s';
import { DocumentSpan, splitYamlDocuments } from './yamlDocuments';

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

/** Guards against "billion laughs" documents: yaml expands aliases lazily, and this caps it. */
const MAX_ALIAS_COUNT = 100;
/** kubectl flattens Lists of Lists to any depth; this only stops a hostile nesting from going on forever */
const MAX_LIST_DEPTH = 64;

/**
 * Documents that use what the fast reader cannot bound or represent go to
 * the full `yaml` reader: aliases (js-yaml shares the aliased node, and a
 * nested alias graph would make every walk of the object exponential),
 * explicit `?` keys and flow collections used as keys (a collection key would
 * be stringified, quoting its values), and `%` directives. False positives
 * (an asterisk in a plain scalar) only cost speed.
 */
const NEEDS_FULL_READER = /(?:^|[\s,[{])\*[^\s,[\]{}]|(?:^|[\s,[{])\?(?:[ \t\r\n]|$)|[\]}][ \t]*:/m;

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
 * strict field validation. Error messages never quote the document's text:
 * it can be a Secret.
 */
export function parseManifests(text: string, file?: string, options: ParseOptions = {}): ParsedManifests {
  const state = options.state ?? { generated: 0 };
  const documents = splitYamlDocuments(text);
  const out: ParsedManifests = { objects: [], origins: [], errors: [], documents };
  documents.forEach((doc, documentIndex) => {
    if (!doc.hasContent) return; // a marker or comments only
    const source = text.slice(doc.start, doc.end);
    const fail = (message: string, line?: number) =>
      out.errors.push({ file, documentIndex, ...(line !== undefined ? { line } : {}), message });
    const read =
      doc.directive || NEEDS_FULL_READER.test(source) ? readFull(source, doc) : readFast(source, doc);
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
  // logLevel 'error': the library's warnings (which quote keys) never reach process warnings
  const parsed = parseDocument(source, { uniqueKeys: true, prettyErrors: false, logLevel: 'error' });
  const err = parsed.errors[0];
  if (err) {
    const line = lineAt(err.pos[0]);
    if (err.code === 'DUPLICATE_KEY') return { error: duplicateKeyMessage(source, err.pos[0], line), line };
    return { error: `does not parse at line ${line}: ${err.code.toLowerCase().replace(/_/g, ' ')}`, line };
  }
  let keyAt: number | undefined;
  visit(parsed, {
    Pair(_, pair) {
      if (isCollection(pair.key) || isAlias(pair.key)) {
        keyAt = (pair.key as { range?: [number, number, number] }).range?.[0] ?? 0;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  if (keyAt !== undefined) {
    const line = lineAt(keyAt);
    return { error: `has a mapping key that is a collection or alias at line ${line} (Kubernetes keys are strings)`, line };
  }
  try {
    return { value: parsed.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (e) {
    const aliases = /alias/i.test((e as Error).message);
    return { error: aliases ? 'cannot be read: too many alias expansions' : 'cannot be read' };
  }
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
