import fc from 'fast-check';
import { LineCounter, parseAllDocuments } from 'yaml';
import { documentStartLines, yamlDocuments } from './lines';

/** What the YAML parser itself says: the line of each document's content, or of its start. */
function linesFromParser(text: string): number[] {
  const lc = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lc });
  const list = Array.isArray(docs) ? docs : [docs];
  return list.map(d => {
    const contents = d.contents as { range?: [number, number, number] } | null;
    const empty = !contents || contents.range?.[0] === contents.range?.[1];
    const offset = empty ? d.range[0] : contents!.range![0];
    return lc.linePos(offset).line;
  });
}

describe('documentStartLines', () => {
  it.each([
    ['', []],
    ['# only a comment\n', []],
    ['a: 1\n', [1]],
    ['# licence\n\napiVersion: v1\n---\nkind: B\n', [3, 5]],
    ['---\n---\na: 1', [1, 3]],
    ['a: 1\n---\n', [1, 2]],
    ['a: 1\n...\nb: 2\n', [1, 3]],
    ['a: 1\n...\n# x\n---\nb: 2\n', [1, 5]],
    ['%YAML 1.2\n---\na: 1\n', [3]],
    ['--- a\n--- b\n', [1, 2]],
    ['\r\n{"a": 1}\r\n', [2]],
    ['\ufeffa: 1\n---\nb: 2', [1, 3]],
    ['a: |\n  ---x\n  --- indented\nb: 2\n---not-a-marker: 1\n', [1]],
  ])('%j', (text, expected) => {
    expect(documentStartLines(text)).toEqual(expected);
    expect(documentStartLines(text)).toEqual(linesFromParser(text));
  });

  it('marks documents without content', () => {
    expect(yamlDocuments('---\n# nothing\n---\na: 1\n')).toEqual([
      { line: 1, hasContent: false },
      { line: 4, hasContent: true },
    ]);
  });

  it('agrees with the YAML parser on generated streams', () => {
    const line = fc.constantFrom(
      'a: 1',
      '  b: [1, 2]',
      '- x',
      '# comment',
      '',
      '   ',
      '---',
      '--- # c',
      '--- x: 1',
      '...',
      'key: |',
      '  literal',
      '{"j": 1}',
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), lines => {
        const text = lines.join('\n');
        // only streams the parser accepts: an invalid one has no document numbering to agree with
        const docs = parseAllDocuments(text);
        const list = Array.isArray(docs) ? docs : [docs];
        fc.pre(list.every(d => d.errors.length === 0));
        expect(documentStartLines(text)).toEqual(linesFromParser(text));
      }),
      { numRuns: 500 },
    );
  });
});
