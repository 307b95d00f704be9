import fc from 'fast-check';
import { LineCounter, parseAllDocuments } from 'yaml';
import { documentText, splitYamlDocuments } from './yamlDocuments';

/** What the YAML parser itself says: the line of each document's content, or of its start. */
function linesFromParser(text: string): number[] {
  const lc = new LineCounter();
  return parseAllDocuments(text, { lineCounter: lc }).map(d => {
    const contents = d.contents as { range?: [number, number, number] } | null;
    const empty = !contents || contents.range?.[0] === contents.range?.[1];
    return lc.linePos(empty ? d.range[0] : contents!.range![0]).line;
  });
}

const lines = (text: string) => splitYamlDocuments(text).map(d => d.line);
const texts = (text: string) => splitYamlDocuments(text).map(d => documentText(text, d));

describe('splitYamlDocuments: Windows line endings', () => {
  it('finds `---` and `...` markers ended by CRLF, on the same lines as with LF', () => {
    const lf = 'a: 1\n---\nb: 2\n...\n# c\n---\nc: 3\n--- # x\nd: 4\n';
    const crlf = lf.replace(/\n/g, '\r\n');
    expect(lines(crlf)).toEqual([1, 3, 7, 9]);
    expect(lines(crlf)).toEqual(lines(lf));
    expect(lines(crlf)).toEqual(linesFromParser(crlf));
    expect(texts(crlf).map(t => t.replace(/\r\n/g, '\n'))).toEqual(texts(lf));
  });

  it('agrees with the YAML parser on generated CRLF streams', () => {
    const line = fc.constantFrom('a: 1', '  b: [1, 2]', '- x', '# comment', '', '---', '--- # c', '--- x: 1', '...');
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), ls => {
        const text = ls.join('\r\n');
        const docs = parseAllDocuments(text);
        fc.pre(docs.every(d => d.errors.length === 0));
        expect(lines(text)).toEqual(linesFromParser(text));
      }),
      { numRuns: 300 },
    );
  });
});

describe('splitYamlDocuments: byte order marks', () => {
  it('takes a BOM before a later `---` or `...` as a document prefix, not as content', () => {
    const text = 'kind: A\n\ufeff---\nkind: B\n\ufeff...\n\ufeffkind: C\n';
    expect(lines(text)).toEqual([1, 3, 5]);
    expect(texts(text)).toEqual(['kind: A\n', '---\nkind: B\n...\n', 'kind: C\n']);
  });

  it('drops a BOM at the start of the line after `---` (where kubectl starts a document)', () => {
    const text = 'kind: A\n---\n\ufeffkind: B\n';
    expect(lines(text)).toEqual([1, 3]);
    expect(texts(text)).toEqual(['kind: A\n', '---\nkind: B\n']);
    expect(splitYamlDocuments(text).every(d => d.strayByteOrderMark === undefined)).toBe(true);
  });

  it('flags a BOM at the start of a line inside a document, with its line', () => {
    const text = 'kind: A\nspec:\n\ufeff  x: 1\n---\nkind: B\n\ufeffspec: 1\n';
    expect(splitYamlDocuments(text).map(d => d.strayByteOrderMark)).toEqual([3, 6]);
  });
});
