import zlib from 'node:zlib';

/**
 * A gzip body assembled from pieces compressed one by one, the way `pigz` compresses in parallel: each
 * piece is raw deflate ending on a byte boundary (a sync flush), so pieces can be laid end to end in
 * one deflate stream, and the gzip trailer's CRC-32 is combined from the pieces' own.
 *
 * Why: an entity in 30 clusters is ~0.6 MB of JSON, nearly all of it the clusters' results. A save of
 * one cluster changes one of those 30, but a cache emptied by the save gzipped the whole document
 * again on the next read of every entity. With pieces, a read after a save compresses the one
 * cluster's results that changed and reuses the others' compressed bytes (PostureStore's entity cache).
 */
export interface GzipPiece {
  /** raw deflate, sync-flushed: it can be followed by any other piece */
  readonly deflated: Buffer;
  /** CRC-32 of the plain bytes */
  readonly crc: number;
  /** length of the plain bytes */
  readonly length: number;
}

const SYNC = { finishFlush: zlib.constants.Z_SYNC_FLUSH };
/** pieces up to this size are compressed in place, larger ones on libuv's thread pool */
export const SYNC_PIECE_BYTES = 32 * 1024;

/** A piece in place at zlib's fastest level: for the small parts of a body, made on every assembly. */
export function pieceSync(plain: Buffer): GzipPiece {
  return {
    deflated: zlib.deflateRawSync(plain, { ...SYNC, level: zlib.constants.Z_BEST_SPEED }),
    crc: zlib.crc32(plain),
    length: plain.length,
  };
}

/**
 * A piece kept for reuse, at the default level. With a dictionary (the plain bytes that will come just
 * before it, at most deflate's 32 KiB window) it may refer back into them, and is valid only behind them.
 */
export async function piece(plain: Buffer, dictionary?: Buffer): Promise<GzipPiece> {
  const options = dictionary ? { ...SYNC, dictionary } : SYNC;
  const deflated =
    plain.length <= SYNC_PIECE_BYTES
      ? zlib.deflateRawSync(plain, options)
      : await new Promise<Buffer>((resolve, reject) =>
          zlib.deflateRaw(plain, options, (err, out) => (err ? reject(err) : resolve(out))),
        );
  return { deflated, crc: zlib.crc32(plain), length: plain.length };
}

// The stream's last block: an empty fixed-Huffman block with BFINAL set (what Z_FINISH writes after a
// sync flush with no input left).
const FINAL_BLOCK = Buffer.from([0x03, 0x00]);
// ID1 ID2, deflate, no flags, no mtime, no extra flags, OS unknown
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff]);
/** where the first piece starts in an assembled body; each next one follows the last */
export const GZIP_HEADER_BYTES = GZIP_HEADER.length;

/** The gzip member of the pieces' plain bytes laid end to end. */
export function assembleGzip(pieces: readonly GzipPiece[]): Buffer {
  let crc = 0;
  let length = 0;
  const parts: Buffer[] = [GZIP_HEADER];
  for (const p of pieces) {
    crc = crc32Combine(crc, p.crc, p.length);
    length += p.length;
    parts.push(p.deflated);
  }
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  // ISIZE is the length modulo 2^32
  trailer.writeUInt32LE(length % 2 ** 32, 4);
  parts.push(FINAL_BLOCK, trailer);
  return Buffer.concat(parts);
}

// CRC-32 combination, after zlib's crc32_combine (x^(8·len2) · crc1 + crc2, modulo the CRC polynomial,
// in reflected bit order).
const POLY = 0xedb88320;

/** a·b modulo the polynomial; both reflected, x^0 is 0x80000000 */
function multModP(a: number, b: number): number {
  let m = 0x80000000;
  let p = 0;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    b = b & 1 ? (b >>> 1) ^ POLY : b >>> 1;
  }
  return p >>> 0;
}

/** X2N[k] = x^(2^k) modulo the polynomial */
const X2N = new Uint32Array(32);
{
  let p = 0x40000000; // x^1
  X2N[0] = p;
  for (let k = 1; k < 32; k++) X2N[k] = p = multModP(p, p);
}

/** x^(n·2^k) modulo the polynomial */
function x2nModP(n: number, k: number): number {
  let p = 0x80000000; // x^0
  while (n > 0) {
    if (n % 2 === 1) p = multModP(X2N[k & 31], p);
    n = Math.floor(n / 2);
    k++;
  }
  return p;
}

/** The CRC-32 of A followed by B, from A's CRC, B's CRC and B's length. */
export function crc32Combine(crcA: number, crcB: number, lengthB: number): number {
  if (lengthB === 0) return crcA >>> 0;
  return (multModP(x2nModP(lengthB, 3), crcA) ^ crcB) >>> 0;
}
