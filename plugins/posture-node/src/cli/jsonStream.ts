import { escapeUnsafe } from './unsafeChars';
import { Utf8Chunks } from './utf8Chunks';

export { escapeUnsafe } from './unsafeChars';

/**
 * An array whose elements are already JSON texts, made one at a time: it is written as an array of
 * rows, one per line, without the elements ever existing as values. `write(i, out)` writes row i's
 * text, in as many pieces as suits it; `jsonDocumentBytes` has them written straight into the
 * output's bytes, `prettyJson` joins them into one string per row.
 */
export class JsonRows {
  constructor(
    readonly length: number,
    readonly write: (i: number, out: TextOut) => void,
  ) {}
}

/** Where a row's pieces go. */
export interface TextOut {
  write(s: string): void;
}

/** A row's text as one string. */
class RowText implements TextOut {
  text = '';
  write(s: string): void {
    this.text += s;
  }
}

/** The rows of a JsonRows met while walking a value, and the depth of their array. */
class RowsAt {
  constructor(
    readonly rows: JsonRows,
    readonly depth: number,
  ) {}
}

/**
 * `JSON.stringify(value, null, 2)` as a sequence of pieces, so that a large
 * report is written out without ever holding all of its text at once. The
 * top `streamDepth` levels of arrays and objects are walked here; anything
 * deeper is one piece from JSON.stringify.
 */
export function* prettyJson(value: unknown, streamDepth = 2, depth = 0, rows = false): Generator<string> {
  for (const piece of walk(value, streamDepth, depth, rows)) {
    if (typeof piece === 'string') yield piece;
    else yield* rowTexts(piece);
  }
}

function* rowTexts({ rows, depth }: RowsAt): Generator<string> {
  const inner = '  '.repeat(depth + 1);
  for (let i = 0; i < rows.length; i++) {
    const row = new RowText();
    rows.write(i, row);
    yield i < rows.length - 1 ? `${inner}${row.text},\n` : `${inner}${row.text}\n`;
  }
}

/** prettyJson's pieces, with the rows of a JsonRows left to the caller (as a RowsAt, in their place). */
function* walk(value: unknown, streamDepth: number, depth: number, rows: boolean): Generator<string | RowsAt> {
  if (value instanceof JsonRows) {
    if (value.length === 0) {
      yield '[]';
      return;
    }
    yield '[\n';
    yield new RowsAt(value, depth);
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
      yield* walk(v === undefined || typeof v === 'function' ? null : v, streamDepth, depth + 1, rows);
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
    yield* walk(v, streamDepth, depth + 1, rows);
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
 * jsonDocument's bytes in UTF-8, in chunks of about a megabyte: the rows of a JsonRows are written
 * straight into them, never joined into strings (a large scan writes 600k rows, 250 MB).
 */
export function* jsonDocumentBytes(value: unknown, streamDepth: number, rows = false): Generator<Uint8Array> {
  const out = new Utf8Chunks();
  for (const piece of walk(value, streamDepth, 0, rows)) {
    if (typeof piece === 'string') {
      out.write(piece);
    } else {
      const inner = '  '.repeat(piece.depth + 1);
      // a row's end and the next one's indent in one write: 600k rows in a large scan
      const between = `,\n${inner}`;
      const last = piece.rows.length - 1;
      out.write(inner);
      for (let i = 0; i <= last; i++) {
        piece.rows.write(i, out);
        out.write(i < last ? between : '\n');
        if (out.ready) yield* out.take();
      }
    }
    if (out.ready) yield* out.take();
  }
  out.write('\n');
  yield* out.take(true);
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
