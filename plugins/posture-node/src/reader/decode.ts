/** Manifest bytes as text, or why they are not text. */
export type Decoded = { text: string } | { error: string };

/**
 * Manifests are UTF-8 (YAML 1.2 and JSON both allow it, kubectl writes it).
 * Anything else is refused with a reason instead of being fed to the YAML
 * parser, which would report confusing syntax errors for binary data.
 */
export function decodeManifest(bytes: Uint8Array): Decoded {
  if (
    bytes.length >= 2 &&
    ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
  ) {
    return { error: 'UTF-16 text is not supported; save the file as UTF-8' };
  }
  if (bytes.includes(0)) return { error: 'binary file (it contains NUL bytes)' };
  try {
    // fatal: invalid sequences throw instead of turning into U+FFFD; the BOM is dropped
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { error: 'not UTF-8 text (binary file?)' };
  }
}
