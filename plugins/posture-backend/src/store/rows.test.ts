import { chunkRows, rowBytes } from './rows';

describe('chunkRows', () => {
  const row = (bytes: number) => ({ id: 'r', results: 'x'.repeat(bytes) });

  it('groups rows by count and by bytes, in order, a row larger than the limit alone', () => {
    const rows = [row(400), row(400), row(400), row(2_000), row(100), row(100), row(100)];
    const groups = chunkRows(rows, 3, 1_000);
    expect(groups.map(g => g.map(r => r.results.length))).toEqual([[400, 400], [400], [2_000], [100, 100, 100]]);
    expect(groups.flat()).toEqual(rows);
    for (const g of groups) expect(g.length).toBeLessThanOrEqual(3);
  });

  it('counts strings, byte arrays and other values', () => {
    expect(rowBytes({ a: 'abc', b: new Uint8Array(10), c: 5, d: null })).toBe(3 + 10 + 8 + 8);
    expect(chunkRows([], 10, 10)).toEqual([]);
  });
});
