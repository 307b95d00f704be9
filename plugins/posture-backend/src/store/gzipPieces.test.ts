import { randomBytes } from 'node:crypto';
import zlib from 'node:zlib';
import { SYNC_PIECE_BYTES, assembleGzip, crc32Combine, piece, pieceSync } from './gzipPieces';

describe('crc32Combine', () => {
  it('gives the CRC-32 of the two inputs laid end to end', () => {
    const cases: [Buffer, Buffer][] = [
      [Buffer.from('{"a":'), Buffer.from('[1,2,3]}')],
      [Buffer.alloc(0), Buffer.from('x')],
      [randomBytes(1), randomBytes(1)],
      [randomBytes(1000), randomBytes(77_777)],
      [randomBytes(3), randomBytes(1 << 20)],
    ];
    for (const [a, b] of cases) {
      expect(crc32Combine(zlib.crc32(a), zlib.crc32(b), b.length)).toBe(zlib.crc32(Buffer.concat([a, b])));
    }
  });

  it('leaves the first CRC as it is after an empty input', () => {
    const a = Buffer.from('abc');
    expect(crc32Combine(zlib.crc32(a), 0, 0)).toBe(zlib.crc32(a));
  });
});

describe('assembleGzip', () => {
  const json = (n: number) =>
    Buffer.from(JSON.stringify(Array.from({ length: n }, (_, i) => ({ checkId: `check-${i % 40}`, status: i % 3 ? 'pass' : 'fail', message: `"workload" ${i} \u00e9\u4e2d` }))));

  it('is a gzip member of the pieces laid end to end, whatever their sizes and how they were made', async () => {
    const small = json(3);
    const large = json(2_000);
    expect(large.length).toBeGreaterThan(SYNC_PIECE_BYTES);
    const comma = (b: Buffer) => Buffer.concat([Buffer.from(','), b]);
    const pieces = [
      pieceSync(Buffer.from('{"results":[')),
      await piece(small),
      await piece(comma(large)),
      await piece(comma(small)),
      pieceSync(Buffer.from(']}')),
    ];
    const gzipped = assembleGzip(pieces);
    const plain = Buffer.concat([Buffer.from('{"results":['), small, comma(large), comma(small), Buffer.from(']}')]);
    // gunzip checks the trailer's CRC-32 and length
    expect(zlib.gunzipSync(gzipped).equals(plain)).toBe(true);
    expect(gzipped.length).toBeLessThan(plain.length / 4);
  });

  it('takes a piece compressed with the bytes before it as its dictionary, smaller than alone', async () => {
    const a = json(300);
    const b = Buffer.concat([Buffer.from(','), json(300)]);
    for (const first of [a, json(4_000)]) {
      const dictionary = first.subarray(-32 * 1024);
      const behind = await piece(b, dictionary);
      const alone = await piece(b);
      expect(behind.deflated.length).toBeLessThan(alone.deflated.length * (first === a ? 0.5 : 0.9));
      const gzipped = assembleGzip([pieceSync(Buffer.from('[')), await piece(first), behind, pieceSync(Buffer.from(']'))]);
      expect(zlib.gunzipSync(gzipped).toString()).toBe(`[${first}${b}]`);
    }
  });

  it('reuses a piece in more than one body', async () => {
    const shared = await piece(json(500));
    for (const head of ['[', '{"x":[']) {
      const tail = head === '[' ? ']' : ']}';
      const gzipped = assembleGzip([pieceSync(Buffer.from(head)), shared, pieceSync(Buffer.from(tail))]);
      expect(zlib.gunzipSync(gzipped).toString()).toBe(`${head}${json(500).toString()}${tail}`);
    }
  });

  it('is an empty body for no pieces, and for empty ones', () => {
    expect(zlib.gunzipSync(assembleGzip([])).length).toBe(0);
    expect(zlib.gunzipSync(assembleGzip([pieceSync(Buffer.alloc(0)), pieceSync(Buffer.alloc(0))])).length).toBe(0);
  });

  it('is rejected by gunzip when a piece is not what its CRC says', () => {
    const a = pieceSync(Buffer.from('[1]'));
    const forged = { ...a, crc: (a.crc ^ 1) >>> 0 };
    expect(() => zlib.gunzipSync(assembleGzip([forged]))).toThrow();
  });
});
