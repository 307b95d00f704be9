import fc from 'fast-check';
import { Utf8Chunks } from './utf8Chunks';
import { escapeUnsafe, escapeUnsafeUtf8 } from './unsafeChars';

function written(pieces: string[], size: number): { chunks: Buffer[]; text: string } {
  const out = new Utf8Chunks(size);
  const chunks: Buffer[] = [];
  for (const p of pieces) {
    out.write(p);
    if (out.ready) chunks.push(...out.take());
  }
  chunks.push(...out.take(true));
  return { chunks, text: Buffer.concat(chunks).toString('utf8') };
}

// strings with the characters that are escaped, their UTF-8 neighbours, and astral characters
const tricky = fc.string({
  unit: fc.constantFrom('a', '"', '\u007e', '\u007f', '\u0080', '\u009f', '\u00a0', '\u00e9', '\u2027', '\u2028', '\u2029', '\u202a', '\u2190', '😀'),
});

describe('Utf8Chunks', () => {
  it('gives the bytes of the escaped text, whatever the chunk size', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(tricky, fc.string())), fc.integer({ min: 1, max: 64 }), (pieces, size) => {
        const { text } = written(pieces, size);
        expect(text).toBe(escapeUnsafe(pieces.join('')));
      }),
      { numRuns: 500 },
    );
  });

  it('fills chunks up to their size, and never writes into a chunk it has handed over', () => {
    const out = new Utf8Chunks(64);
    const chunks: Buffer[] = [];
    const seen: string[] = [];
    for (let i = 0; i < 100; i++) {
      out.write(`${i % 10}bcdefghij`);
      for (const c of out.take()) {
        chunks.push(c);
        seen.push(c.toString());
      }
    }
    for (const c of out.take(true)) {
      chunks.push(c);
      seen.push(c.toString());
    }
    expect(chunks.every(c => c.length <= 64)).toBe(true);
    expect(chunks.slice(0, -1).every(c => c.length >= 64 - 30)).toBe(true);
    expect(chunks.map(c => c.toString())).toEqual(seen);
    expect(seen.join('')).toBe(Array.from({ length: 100 }, (_, i) => `${i % 10}bcdefghij`).join(''));
  });

  it('takes nothing until a chunk is full, unless asked for all', () => {
    const out = new Utf8Chunks(1024);
    out.write('x');
    expect(out.ready).toBe(false);
    expect(out.take()).toEqual([]);
    expect(out.take(true).map(c => c.toString())).toEqual(['x']);
    expect(out.take(true)).toEqual([]);
  });
});

describe('escapeUnsafeUtf8', () => {
  it('is escapeUnsafe on the text of the bytes', () => {
    fc.assert(
      fc.property(fc.oneof(tricky, fc.string({ unit: 'binary' })), s => {
        expect(escapeUnsafeUtf8(Buffer.from(s, 'utf8')).toString('utf8')).toBe(escapeUnsafe(s));
      }),
      { numRuns: 1000 },
    );
  });

  it('returns the same bytes when nothing needs escaping', () => {
    const b = Buffer.from('plain \u00e9 \u2190 😀 text');
    expect(escapeUnsafeUtf8(b)).toBe(b);
  });
});
