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

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = Array.isArray(v) ? v.join(' ') : String(v);
  // spreadsheet formula injection: a cell must never start a formula
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function overviewCsv(rows: OverviewRow[]): string {
  const lines = [COLUMNS.join(',')];
  for (const r of rows) lines.push(COLUMNS.map(c => cell(r[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
