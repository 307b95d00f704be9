/**
 * Text from a manifest (names, namespaces, messages that quote them, paths)
 * made inert for a terminal or a CI log: no control character reaches the
 * output. As kubectl does since CVE-2021-25743, ESC is shown as `^[`; every
 * other C0/C1 control, DEL, and the Unicode line and paragraph separators
 * become visible escapes. So a name cannot start a new line (a forged
 * `::error` workflow command or a fake summary), move the cursor, recolour the
 * terminal or ring its bell.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '^[' };

export function inert(s: string): string {
  return s.replace(CONTROL, c => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
