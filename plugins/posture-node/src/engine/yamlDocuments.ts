// `\r`: a CRLF line ends in it (the scan splits lines on `\n` only)
const MARKER_START = /^---(?=[ \t\r]|$)/;
const MARKER_END = /^\.\.\.(?=[ \t\r]|$)/;
const BOM = 0xfeff;

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
  /**
   * offsets, in the stream, of byte order marks within `start`–`end` that are
   * not content: before a marker or directive (YAML allows a BOM at the start
   * of any document), starting the line after a `---` (where kubectl, which
   * splits at `---` lines, starts a document), or before a comment.
   * {@link documentText} leaves them out. Absent when there are none.
   */
  byteOrderMarks?: number[];
  /**
   * 1-based line of the first other BOM at the start of a line of the
   * document. YAML forbids it there; go-yaml skips it as if it were a space,
   * which nests what follows differently from how a reader that keeps it
   * does, so the document cannot be read the way kubectl reads it.
   */
  strayByteOrderMark?: number;
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
    boms?: number[];
    strayBom?: number;
  }
  const docs: Open[] = [];
  // false before the first document and after `...`: the next content opens a document
  let open = false;
  // offset of the first `%` directive line waiting for its document
  let directive: number | undefined;
  // BOMs on the lines from that directive on: in the document's text, yet not content
  let prefixBoms: number[] | undefined;
  let lineNo = 0;
  let pos = 0;
  // true on the line after a `---` line
  let afterMarker = false;
  // a document's text starts at its directives, so that it reads the same on its own
  const opening = (lineStart: number, line: number): Open => {
    const d: Open = {
      start: directive ?? lineStart,
      startLine: directive === undefined ? line : lineOfOffset(text, directive),
      end: text.length,
      directive: directive !== undefined,
      ...(prefixBoms ? { boms: prefixBoms } : {}),
    };
    directive = undefined;
    prefixBoms = undefined;
    return d;
  };
  const close = (upTo: number) => {
    const d = docs[docs.length - 1];
    if (d && open) d.end = upTo;
  };
  // a BOM that is not content; only one inside the document's text needs leaving out
  const dropBom = (d: Open, offset: number) => {
    if (offset >= d.start) (d.boms ??= []).push(offset);
  };
  while (pos <= text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    lineNo++;
    const rawStart = pos;
    const followsMarker = afterMarker;
    afterMarker = false;
    // YAML allows a BOM at the start of a document: the line is classified
    // without it, and whether it may be there is decided with the line
    const bom = text.charCodeAt(pos) === BOM;
    const lineStart = bom ? pos + 1 : pos;
    // only the first bytes decide what a line is: no copy of long lines
    const c0 = text.charCodeAt(lineStart);
    pos = end + 1;
    if (c0 === 0x2d /* - */ && MARKER_START.test(text.slice(lineStart, Math.min(end, lineStart + 4)))) {
      const current = docs[docs.length - 1];
      if (!open || current.marker !== undefined || current.content !== undefined) {
        close(rawStart);
        docs.push(opening(lineStart, lineNo));
      }
      const doc = docs[docs.length - 1];
      // before a `---`: a document prefix
      if (bom) dropBom(doc, rawStart);
      doc.marker = lineNo;
      afterMarker = true;
      const rest = text.slice(lineStart + 3, end).trim();
      if (rest && !rest.startsWith('#')) doc.content = lineNo;
      open = true;
      continue;
    }
    if (c0 === 0x2e /* . */ && MARKER_END.test(text.slice(lineStart, Math.min(end, lineStart + 4)))) {
      // `...` with no document open still ends one: the parser counts an empty document
      if (!open) docs.push({ marker: lineNo, start: lineStart, startLine: lineNo, end: pos, directive: false });
      else {
        if (bom) dropBom(docs[docs.length - 1], rawStart);
        close(Math.min(pos, text.length));
      }
      open = false;
      continue;
    }
    // a line that is blank or a comment: skip without copying it
    let i = lineStart;
    while (i < end && (text.charCodeAt(i) === 0x20 || text.charCodeAt(i) === 0x09 || text.charCodeAt(i) === 0x0d)) i++;
    const blank = i === end || text.charCodeAt(i) === 0x23; /* # */
    if (bom) {
      if (!open) {
        // a document prefix; in the document's text only after its directives
        if (directive !== undefined) (prefixBoms ??= []).push(rawStart);
      } else if (blank || followsMarker) {
        // where kubectl, which splits at `---` lines, starts a document; or
        // before a comment, where skipping it changes nothing
        dropBom(docs[docs.length - 1], rawStart);
      } else {
        docs[docs.length - 1].strayBom ??= lineNo;
      }
    }
    if (blank) continue;
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
    ...(d.boms ? { byteOrderMarks: d.boms } : {}),
    ...(d.strayBom !== undefined ? { strayByteOrderMark: d.strayBom } : {}),
  }));
}

/** The text of a document, as its readers take it: without the BOMs that are not content. */
export function documentText(text: string, doc: DocumentSpan): string {
  const boms = doc.byteOrderMarks;
  if (!boms) return text.slice(doc.start, doc.end);
  let out = '';
  let from = doc.start;
  for (const b of boms) {
    out += text.slice(from, b);
    from = b + 1;
  }
  return out + text.slice(from, doc.end);
}

function lineOfOffset(text: string, offset: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
