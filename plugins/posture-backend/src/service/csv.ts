import { OverviewRow } from '@posture-dev/backstage-plugin-posture-common';

const COLUMNS: (keyof OverviewRow)[] = [
  'entityRef',
  'name',
  'kind',
  'owner',
  'system',
  'lifecycle',
  'clusters',
  'state',
  'scalability',
  'security',
  'overall',
  'grade',
  'level',
  'pssLevel',
  'lastChangedAt',
];

/** Characters that make a spreadsheet read a cell as a formula (OWASP's CSV-injection list). */
const FORMULA_START = new Set(['=', '+', '-', '@', '\t', '\r']);
/**
 * Where a spreadsheet may start a new cell. Excel splits on the locale's list separator (`;` in
 * much of Europe), so `production;=1+1` is two cells there, the second a formula, whatever the
 * file's own delimiter and quoting.
 */
const SEPARATORS = new Set([',', ';', '\t', '|', '\r', '\n']);

/** Puts a `'` before every formula start: at the beginning and after each separator (spaces skipped). */
function neutralise(s: string): string {
  let out = '';
  let cellStart = true;
  for (const ch of s) {
    if (cellStart && ch !== ' ' && FORMULA_START.has(ch)) out += "'";
    out += ch;
    if (SEPARATORS.has(ch)) cellStart = true;
    else if (ch !== ' ') cellStart = false;
  }
  return out;
}

/** One CSV cell: every cell quoted, every formula start made text. */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '""';
  const s = neutralise(Array.isArray(v) ? v.join(' ') : String(v));
  return `"${s.replace(/"/g, '""')}"`;
}

export function overviewCsv(rows: OverviewRow[]): string {
  const lines = [COLUMNS.map(csvCell).join(',')];
  for (const r of rows) lines.push(COLUMNS.map(c => csvCell(r[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
