import fc from 'fast-check';
import { JsonRows, batched, jsonDocument, jsonDocumentBytes, prettyJson } from './jsonStream';

describe('prettyJson', () => {
  it('writes exactly what JSON.stringify(value, null, 2) writes', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer({ min: 0, max: 4 }), (value, depth) => {
        expect([...prettyJson(value, depth)].join('')).toBe(JSON.stringify(value, null, 2));
      }),
      { numRuns: 300 },
    );
  });

  it('drops undefined members and nulls undefined array items, as JSON.stringify does', () => {
    const value = { a: undefined, b: [undefined, 1, () => 0], c: { d: undefined }, e: new Date(0), f: 'x\ny' };
    expect([...prettyJson(value, 3)].join('')).toBe(JSON.stringify(value, null, 2));
  });

  it('streams large arrays as many pieces', () => {
    const pieces = [...prettyJson({ results: Array.from({ length: 1000 }, (_, i) => ({ i })) })];
    expect(pieces.length).toBeGreaterThan(1000);
    expect([...batched(pieces, 1024)].every((b, i, all) => i === all.length - 1 || b.length >= 1024)).toBe(true);
    expect([...batched(pieces, 1024)].join('')).toBe(pieces.join(''));
  });

  it('writes rows compact, one per line, and still parses to the same value', () => {
    const value = { a: [{ x: { y: [1, 2] } }, { x: null }], b: { c: 'd' } };
    const text = [...prettyJson(value, 2, 0, true)].join('');
    expect(JSON.parse(text)).toEqual(value);
    expect(text).toBe('{\n  "a": [\n    {"x":{"y":[1,2]}},\n    {"x":null}\n  ],\n  "b": {\n    "c": "d"\n  }\n}');
  });
});

describe('jsonDocumentBytes', () => {
  it.each([0, 1, 3])('gives the bytes of jsonDocument, rows included: %i rows', n => {
    const rows = () =>
      new JsonRows(n, (i, out) => {
        out.write(`{"i":${i},`);
        out.write(`"s":${JSON.stringify(`r\u0085\u2028${i}`)}}`);
      });
    const value = { a: 1, rows: rows(), b: { c: ['\u007f'] } };
    const text = [...jsonDocument({ ...value, rows: rows() }, 2, true)].join('');
    expect(Buffer.concat([...jsonDocumentBytes(value, 2, true)]).toString('utf8')).toBe(text);
    expect(JSON.parse(text).rows).toHaveLength(n);
  });
});
