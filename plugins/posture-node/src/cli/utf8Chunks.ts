import { escapeUnsafeUtf8 } from './unsafeChars';

/** Bytes per chunk: a large scan writes 250 MB, and each write call has a fixed cost. */
export const CHUNK_BYTES = 1024 * 1024;

/**
 * Text encoded into UTF-8 chunks as it is written, for output of hundreds of megabytes: each string
 * goes straight into the chunk's bytes, without first being joined into larger strings and encoded
 * again (what made a large report's JSON slow). Every chunk taken has been through `escapeUnsafeUtf8`,
 * so a document written here has the same bytes as its text passed through `escapeUnsafe` and encoded.
 * Strings must be well formed (no lone surrogates), as all JSON text is.
 */
export class Utf8Chunks {
  private readonly size: number;
  private buf: Buffer;
  private used = 0;
  private sealed: Buffer[] = [];

  constructor(size = CHUNK_BYTES) {
    this.size = size;
    this.buf = Buffer.allocUnsafe(size);
  }

  write(s: string): void {
    // a UTF-16 code unit takes at most 3 bytes (a surrogate pair, two units, takes 4)
    if (this.used + s.length * 3 > this.size) {
      this.seal();
      if (s.length * 3 > this.size) {
        this.sealed.push(escapeUnsafeUtf8(Buffer.from(s, 'utf8')));
        return;
      }
    }
    this.used += this.buf.write(s, this.used, 'utf8');
  }

  /** Whether a full chunk is waiting to be taken. */
  get ready(): boolean {
    return this.sealed.length > 0;
  }

  /** The full chunks, and with `all` the last, partly filled one too; each is handed over, never reused. */
  take(all = false): Buffer[] {
    if (all) this.seal();
    const out = this.sealed;
    this.sealed = [];
    return out;
  }

  private seal(): void {
    if (this.used === 0) return;
    this.sealed.push(escapeUnsafeUtf8(this.buf.subarray(0, this.used)));
    this.buf = Buffer.allocUnsafe(this.size);
    this.used = 0;
  }
}
