import { Grade, Level, PssLevel, Severity } from '@posture-dev/backstage-plugin-posture-common';

export function formatScore(score: number | null | undefined): string {
  return score === null || score === undefined ? '–' : String(Math.round(score));
}

const UNITS: [number, string][] = [
  [24 * 60 * 60 * 1000, 'day'],
  [60 * 60 * 1000, 'hour'],
  [60 * 1000, 'minute'],
];

/** "3 hours", "1 day", "less than a minute"; rounded down so staleness is never overstated. */
export function formatDuration(ms: number): string {
  for (const [size, unit] of UNITS) {
    if (ms >= size) {
      const n = Math.floor(ms / size);
      return `${n} ${unit}${n === 1 ? '' : 's'}`;
    }
  }
  return 'less than a minute';
}

/** "3 hours ago"; `now` is injectable so tests are deterministic. */
export function formatAge(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return 'never';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return 'unknown';
  const ms = now - t;
  if (ms < 0) return 'just now';
  return `${formatDuration(ms)} ago`;
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toISOString().slice(0, 10);
}

// Colour-blind-safe-ish ramp; the grade letter is always printed next to it, so colour is never the only signal.
const GRADE_COLORS: Record<Grade, string> = {
  A: '#2e7d32',
  B: '#689f38',
  C: '#f9a825',
  D: '#ef6c00',
  F: '#c62828',
};

export function gradeColor(grade: Grade | null | undefined): string {
  return grade ? GRADE_COLORS[grade] : '#9e9e9e';
}

/** Colour for a 0-100 score, on the same thresholds as the grades. */
export function scoreColor(score: number | null | undefined): string {
  if (score === null || score === undefined) return '#9e9e9e';
  if (score >= 90) return GRADE_COLORS.A;
  if (score >= 80) return GRADE_COLORS.B;
  if (score >= 70) return GRADE_COLORS.C;
  if (score >= 60) return GRADE_COLORS.D;
  return GRADE_COLORS.F;
}

export const LEVEL_COLORS: Record<Level, string> = {
  Gold: '#c9a227',
  Silver: '#8d99a6',
  Bronze: '#a0522d',
  None: '#616161',
};

export const PSS_COLORS: Record<PssLevel, string> = {
  restricted: '#2e7d32',
  baseline: '#f9a825',
  privileged: '#c62828',
};

export const SEVERITY_COLORS: Record<Severity, string> = {
  critical: '#b71c1c',
  high: '#e65100',
  medium: '#f9a825',
  low: '#607d8b',
};

export function capitalize(s: string): string {
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}
