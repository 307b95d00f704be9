/**
 * Text from a manifest (names, namespaces, messages that quote them, paths)
 * made inert for a terminal or a CI log: no control character reaches the
 * output. As kubectl does since CVE-2021-25743, ESC is shown as `^[`; every
 * other C0/C1 control, DEL, and the Unicode line and paragraph separators
 * become visible escapes. So a name cannot start a new line (a forged
 * `::error` workflow command or a fake summary), move the cursor, recolour the
 * terminal or ring its bell.
 *
 * The bidirectional controls (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069) are escaped
 * the same way: they print nothing yet reorder the rest of the line ("Trojan Source",
 * CVE-2021-42574), so a name could make a table row or a path read as something else. So are the
 * noncharacters U+FDD0-U+FDEF, U+FFFE and U+FFFF, which no text should hold and terminals show
 * differently. Joiners (U+200C, U+200D) and the BOM are left alone: scripts and emoji need them.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufdd0-\ufdef\ufffe\uffff]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '^[' };

export function inert(s: string): string {
  return s.replace(CONTROL, c => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
