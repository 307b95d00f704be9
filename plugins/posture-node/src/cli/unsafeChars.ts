/**
 * Characters JSON.stringify leaves raw although they are controls: DEL, the C1 controls (0x9b is
 * a terminal's CSI) and the Unicode line and paragraph separators (a line break in many log
 * viewers). They can only occur inside strings (the structure is ASCII), where `\uXXXX` is the
 * same value, so the parsed document is unchanged and a CI log shows no control from a name.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE_IN_JSON = /[\u007f-\u009f\u2028\u2029]/g;

export function escapeUnsafe(piece: string): string {
  return piece.replace(UNSAFE_IN_JSON, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * `escapeUnsafe` on UTF-8 bytes: the characters it escapes are U+007F (0x7f), U+0080 to U+009F
 * (0xc2 0x80-0x9f) and U+2028, U+2029 (0xe2 0x80 0xa8-0xa9). They are rare, so the bytes are only
 * searched (memchr); bytes that hold one are decoded, escaped as text and encoded again. `bytes`
 * must hold whole characters.
 */
export function escapeUnsafeUtf8(bytes: Buffer): Buffer {
  return hasUnsafeUtf8(bytes) ? Buffer.from(escapeUnsafe(bytes.toString('utf8')), 'utf8') : bytes;
}

function hasUnsafeUtf8(b: Buffer): boolean {
  if (b.indexOf(0x7f) !== -1) return true;
  for (let i = b.indexOf(0xc2); i !== -1 && i + 1 < b.length; i = b.indexOf(0xc2, i + 1)) {
    if (b[i + 1] >= 0x80 && b[i + 1] <= 0x9f) return true;
  }
  for (let i = b.indexOf(0xe2); i !== -1 && i + 2 < b.length; i = b.indexOf(0xe2, i + 1)) {
    if (b[i + 1] === 0x80 && (b[i + 2] === 0xa8 || b[i + 2] === 0xa9)) return true;
  }
  return false;
}
