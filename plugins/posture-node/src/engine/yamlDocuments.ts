const MARKER_START = /^---(?=[ \t]|$)/;
const MARKER_END = /^\.\.\.(?=[ \t]|$)/;

export interface DocumentSpan {
  /** 1-based line where the document starts: its first line with content, else its `---` line */
  line: number;
  /** false for a document that is only a marker and comments */
  hasContent: boolean;
  /** offsets of the document's text in the stream (from its `---` or first content line, through its `...`) */
  start: number;
  end: number;
  /** 1-based line of `start` */
  startLine: number;
  /** a `%` directive precedes the document (it changes how the document is read) */
  directive: boolean;
}

/**
 * Splits a YAML stream into its documents without parsing them, numbered the
 * way `yaml`'s parseAllDocuments numbers documents. Document markers are only
 * ever at column 0 (YAML forbids `---` and `...` there inside any scalar), so a
 * line scan finds the boundaries exactly; each document can then be parsed on
 * its own, and a broken one does not take the others with it.
 */
export function splitYamlDocuments(text: string): DocumentSpan[] {
  interface Open {
    marker?: number;
    content?: number;
    start: number;
    startLine: number;
    end: number;
    directive: boolean;
  }
  const docs: Open[] = [];
  // false before the first document and after `...`: the next content opens a document
  let open = false;
  // offset of the first `%` directive line waiting for its document
  let directive: number | undefined;
  let lineNo = 0;
  let pos = 0;
  if (text.charCodeAt(0) === 0xfeff) pos = 1;
  // a document's text starts at its directives, so that it reads the same on its own
  const opening = (lineStart: number, line: number): Open => {
    const d: Open = {
      start: directive ?? lineStart,
      startLine: directive === undefined ? line : lineOfOffset(text, directive),
      end: text.length,
      directive: directive !== undefined,
    };
    directive = undefined;
    return d;
  };
  const close = (upTo: number) => {
    const d = docs[docs.length - 1];
    if (d && open) d.end = upTo;
  };
  while (pos <= text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    lineNo++;
    const lineStart = pos;
    // only the first bytes decide what a line is: no copy of long lines
    const c0 = text.charCodeAt(pos);
    pos = end + 1;
    if (c0 === 0x2d /* - */ && MARKER_START.test(text.slice(lineStart, Math.min(end, lineStart + 4)))) {
      const current = docs[docs.length - 1];
      if (!open || current.marker !== undefined || current.content !== undefined) {
        close(lineStart);
        docs.push(opening(lineStart, lineNo));
      }
      const doc = docs[docs.length - 1];
      doc.marker = lineNo;
      const rest = text.slice(lineStart + 3, end).trim();
      if (rest && !rest.startsWith('#')) doc.content = lineNo;
      open = true;
      continue;
    }
    if (c0 === 0x2e /* . */ && MARKER_END.test(text.slice(lineStart, Math.min(end, lineStart + 4)))) {
      // `...` with no document open still ends one: the parser counts an empty document
      if (!open) docs.push({ marker: lineNo, start: lineStart, startLine: lineNo, end: pos, directive: false });
      else close(Math.min(pos, text.length));
      open = false;
      continue;
    }
    // a line that is blank or a comment: skip without copying it
    let i = lineStart;
    while (i < end && (text.charCodeAt(i) === 0x20 || text.charCodeAt(i) === 0x09 || text.charCodeAt(i) === 0x0d)) i++;
    if (i === end || text.charCodeAt(i) === 0x23 /* # */) continue;
    // directives only appear before a document's `---`
    if (!open && text.charCodeAt(i) === 0x25 /* % */) {
      directive ??= lineStart;
      continue;
    }
    if (!open) {
      docs.push({ ...opening(lineStart, lineNo), content: lineNo });
      open = true;
    } else {
      const doc = docs[docs.length - 1];
      if (doc.content === undefined) doc.content = lineNo;
    }
  }
  return docs.map(d => ({
    line: d.content ?? d.marker ?? 1,
    hasContent: d.content !== undefined,
    start: d.start,
    end: d.end,
    startLine: d.startLine,
    directive: d.directive,
  }));
}

function lineOfOffset(text: string, offset: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
