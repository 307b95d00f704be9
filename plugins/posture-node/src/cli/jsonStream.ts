/**
 * `JSON.stringify(value, null, 2)` as a sequence of pieces, so that a large
 * report is written out without ever holding all of its text at once. The
 * top `streamDepth` levels of arrays and objects are walked here; anything
 * deeper is one piece from JSON.stringify.
 */
/**
 * An array whose elements are already JSON texts, produced one at a time: `prettyJson` writes it as
 * it writes an array of rows, one per line, without the elements ever existing as values.
 */
export class JsonRows {
  constructor(
    readonly length: number,
    readonly rows: () => Iterable<string>,
  ) {}
}

export function* prettyJson(value: unknown, streamDepth = 2, depth = 0, rows = false): Generator<string> {
  if (value instanceof JsonRows) {
    if (value.length === 0) {
      yield '[]';
      return;
    }
    const inner = '  '.repeat(depth + 1);
    yield '[\n';
    let i = 0;
    for (const row of value.rows()) {
      yield ++i < value.length ? `${inner}${row},\n` : `${inner}${row}\n`;
    }
    if (i !== value.length) throw new Error(`JsonRows promised ${value.length} rows and gave ${i}`);
    yield `${'  '.repeat(depth)}]`;
    return;
  }
  if (depth >= streamDepth || value === null || typeof value !== 'object' || 'toJSON' in value) {
    if (rows && depth >= streamDepth) {
      // one line per row: a fraction of the bytes and time of indenting each row's insides
      yield JSON.stringify(value) ?? 'null';
      return;
    }
    const text = JSON.stringify(value, null, 2) ?? 'null';
    // a JSON text has no raw newline inside strings, so every newline starts an indented line
    yield depth === 0 ? text : text.replace(/\n/g, `\n${'  '.repeat(depth)}`);
    return;
  }
  const inner = '  '.repeat(depth + 1);
  const outer = '  '.repeat(depth);
  if (Array.isArray(value)) {
    if (value.length === 0) {
      yield '[]';
      return;
    }
    yield '[\n';
    if (rows && depth + 1 >= streamDepth) {
      // the rows of a report (hundreds of thousands): one piece each, not three generator steps
      for (let i = 0; i < value.length; i++) {
        const v = value[i];
        const row = JSON.stringify(v === undefined || typeof v === 'function' ? null : v) ?? 'null';
        yield i < value.length - 1 ? `${inner}${row},\n` : `${inner}${row}\n`;
      }
      yield `${outer}]`;
      return;
    }
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      yield inner;
      // as JSON.stringify does: holes, undefined and functions in arrays become null
      yield* prettyJson(v === undefined || typeof v === 'function' ? null : v, streamDepth, depth + 1, rows);
      yield i < value.length - 1 ? ',\n' : '\n';
    }
    yield `${outer}]`;
    return;
  }
  const entries = Object.entries(value).filter(([, v]) => v !== undefined && typeof v !== 'function');
  if (entries.length === 0) {
    yield '{}';
    return;
  }
  yield '{\n';
  for (let i = 0; i < entries.length; i++) {
    const [k, v] = entries[i];
    yield `${inner}${JSON.stringify(k)}: `;
    yield* prettyJson(v, streamDepth, depth + 1, rows);
    yield i < entries.length - 1 ? ',\n' : '\n';
  }
  yield `${outer}}`;
}

/**
 * A JSON document: the value, pretty-printed, and a final newline. With `rows`, everything below
 * `streamDepth` is written compact, one row (a result, a check) per line.
 */
export function* jsonDocument(value: unknown, streamDepth: number, rows = false): Generator<string> {
  // escaped a batch at a time, not a piece (a row) at a time: one regex pass over 64 KB instead of
  // one per row (600k rows in a large scan); an escaped character is one code unit, never split
  for (const piece of batched(prettyJson(value, streamDepth, 0, rows))) yield escapeUnsafe(piece);
  yield '\n';
}

/**
 * Characters JSON.stringify leaves raw although they are controls: DEL, the C1 controls (0x9b is
 * a terminal's CSI) and the Unicode line and paragraph separators (a line break in many log
 * viewers). They can only occur inside strings (the structure is ASCII), where `\uXXXX` is the
 * same value, so the parsed document is unchanged and a CI log shows no control from a name.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE_IN_JSON = /[\u007f-\u009f\u2028\u2029]/g;

export function escapeUnsafe(piece: string): string {
  return piece.replace(UNSAFE_IN_JSON, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Joins small pieces into writes of about `size` characters. */
export function* batched(pieces: Iterable<string>, size = 64 * 1024): Generator<string> {
  let buf: string[] = [];
  let len = 0;
  for (const p of pieces) {
    buf.push(p);
    len += p.length;
    if (len >= size) {
      yield buf.join('');
      buf = [];
      len = 0;
    }
  }
  if (len > 0) yield buf.join('');
}
