import {
  CheckSummary,
  DEFAULT_WEIGHTS,
  PILLARS,
  Pillar,
  SEVERITIES,
  Severity,
} from '@posture-dev/backstage-plugin-posture-common';

/** The check catalog's view state; it lives in the URL so that a link reproduces the view. */
export interface CatalogUrlState {
  q: string;
  pillar?: Pillar;
  severity: Severity[];
  /** only checks that at least one service fails */
  failingOnly: boolean;
  /** the checks shown open */
  open: string[];
}

export function parseCatalogParams(params: URLSearchParams): CatalogUrlState {
  const pillarParam = params.get('pillar');
  const severities = new Set(params.getAll('severity').flatMap(v => v.split(',')));
  return {
    q: params.get('q') ?? '',
    pillar: PILLARS.find(p => p === pillarParam),
    // in severity order, whatever order the URL has them in
    severity: SEVERITIES.filter(s => severities.has(s)),
    failingOnly: params.get('failing') === 'true',
    open: [...new Set(params.getAll('check').filter(Boolean))],
  };
}

/** Writes only what differs from the defaults, so shared links stay short. */
export function writeCatalogParams(state: CatalogUrlState): URLSearchParams {
  const params = new URLSearchParams();
  if (state.q) params.set('q', state.q);
  if (state.pillar) params.set('pillar', state.pillar);
  state.severity.forEach(s => params.append('severity', s));
  if (state.failingOnly) params.set('failing', 'true');
  state.open.forEach(id => params.append('check', id));
  return params;
}

export function hasCatalogFilters(state: CatalogUrlState): boolean {
  return state.q.trim() !== '' || state.pillar !== undefined || state.severity.length > 0 || state.failingOnly;
}

function matchesText(c: CheckSummary, text: string): boolean {
  const needle = text.trim().toLocaleLowerCase('en-US');
  if (!needle) return true;
  return [c.id, c.title, c.category, c.rationale].some(s => s.toLocaleLowerCase('en-US').includes(needle));
}

export function filterChecks(checks: readonly CheckSummary[], state: CatalogUrlState): CheckSummary[] {
  return checks.filter(
    c =>
      (!state.pillar || c.pillar === state.pillar) &&
      (state.severity.length === 0 || state.severity.includes(c.severity)) &&
      (!state.failingOnly || c.failingEntities > 0) &&
      matchesText(c, state.q),
  );
}

/**
 * How urgent a check is: its severity's scoring weight times the services failing it. One
 * critical failure (10) outranks three low ones (3), as it costs the scores more; a high check
 * failing everywhere outranks a critical one failing once.
 */
export function urgencyOf(c: Pick<CheckSummary, 'severity' | 'failingEntities'>): number {
  return DEFAULT_WEIGHTS[c.severity] * c.failingEntities;
}

/** Most urgent first; then the more severe, then by title. */
export function sortByUrgency(checks: CheckSummary[]): CheckSummary[] {
  return checks.sort(
    (a, b) =>
      urgencyOf(b) - urgencyOf(a) ||
      SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
      a.title.localeCompare(b.title),
  );
}
