// the CLI's set: C0/C1 controls, DEL, line and paragraph separators, bidirectional controls
// (which reorder the rest of a line, CVE-2021-42574) and the BMP noncharacters
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufdd0-\ufdef\ufffe\uffff]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '^[' };

/**
 * Text from a manifest (names, file names, messages quoting them) made inert for the task log and
 * the failure message, which the scaffolder shows as a terminal would (it renders ANSI escapes):
 * the CLI's rule (posture-node's cli/formats/inert.ts, after kubectl's CVE-2021-25743 fix), so a
 * name cannot start a line of its own, forge a summary or recolour the log.
 */
export function inert(s: string): string {
  return s.replace(CONTROL, c => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
