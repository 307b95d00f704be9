const MARKER_START = /^---(?=[ \t]|$)/;
const MARKER_END = /^\.\.\.(?=[ \t]|$)/;

/**
 * The 1-based line where each YAML document of `text` starts, numbered the
 * way `yaml`'s parseAllDocuments numbers documents: the first line with
 * content, or the `---` line of a document without content. One pass over
 * the lines, no parsing: document markers are only ever at column 0, so a
 * line scan finds them exactly.
 */
export function documentStartLines(text: string): number[] {
  return yamlDocuments(text).map(d => d.line);
}

export interface DocumentSpan {
  /** 1-based line where the document starts */
  line: number;
  /** false for a document that is only a marker and comments */
  hasContent: boolean;
}

/** The documents of a YAML stream, as {@link documentStartLines} counts them. */
export function yamlDocuments(text: string): DocumentSpan[] {
  const docs: { marker?: number; content?: number }[] = [];
  // false before the first document and after `...`: the next content opens a document
  let open = false;
  let lineNo = 0;
  let pos = 0;
  if (text.charCodeAt(0) === 0xfeff) pos = 1;
  while (pos <= text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    lineNo++;
    const line = text.slice(pos, end).replace(/\r$/, '');
    pos = end + 1;

    if (MARKER_START.test(line)) {
      const current = docs[docs.length - 1];
      if (!open || current.marker !== undefined || current.content !== undefined) docs.push({});
      const doc = docs[docs.length - 1];
      doc.marker = lineNo;
      const rest = line.slice(3).trim();
      if (rest && !rest.startsWith('#')) doc.content = lineNo;
      open = true;
      continue;
    }
    if (MARKER_END.test(line)) {
      // `...` with no document open still ends one: the parser counts an empty document
      if (!open) docs.push({ marker: lineNo });
      open = false;
      continue;
    }
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    // directives only appear before a document's `---`
    if (!open && trimmed.startsWith('%')) continue;
    if (!open) {
      docs.push({ content: lineNo });
      open = true;
    } else {
      const doc = docs[docs.length - 1];
      if (doc.content === undefined) doc.content = lineNo;
    }
  }
  return docs.map(d => ({ line: d.content ?? d.marker ?? 1, hasContent: d.content !== undefined }));
}
