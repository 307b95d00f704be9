import {
  CheckMetadata,
  CheckResult,
  CheckStatus,
  ObjectRef,
  PILLARS,
  Pillar,
  SEVERITIES,
  Severity,
} from '@posture-dev/backstage-plugin-posture-common';

/** Lower is shown first: what needs action comes before what is fine. */
export const STATUS_RANK: Record<CheckStatus, number> = {
  fail: 0,
  error: 1,
  exempt: 2,
  pass: 3,
  'not-applicable': 4,
};

const SEVERITY_RANK = Object.fromEntries(SEVERITIES.map((s, i) => [s, i])) as Record<Severity, number>;

/** Every result of one check for an entity, across workloads and clusters. */
export interface CheckGroup {
  checkId: string;
  meta?: CheckMetadata;
  title: string;
  pillar: Pillar;
  category: string;
  severity: Severity;
  /** the worst status among the results */
  status: CheckStatus;
  results: CheckResult[];
  failing: number;
  /** an exemption that lapsed: it no longer hides the failure */
  hasExpiredExemption: boolean;
}

export interface CategorySection {
  category: string;
  checks: CheckGroup[];
  failing: number;
}

export interface PillarSection {
  pillar: Pillar;
  categories: CategorySection[];
  failing: number;
}

export interface ResultFilter {
  failingOnly: boolean;
  /** empty: every severity */
  severities: Severity[];
  /** undefined: every cluster */
  cluster?: string;
}

export function filterResults(results: CheckResult[], filter: ResultFilter): CheckResult[] {
  return results.filter(
    r =>
      (!filter.failingOnly || r.status === 'fail') &&
      (filter.severities.length === 0 || filter.severities.includes(r.severity)) &&
      (!filter.cluster || r.cluster === filter.cluster),
  );
}

export function worstStatus(results: CheckResult[]): CheckStatus {
  let worst: CheckStatus = 'not-applicable';
  for (const r of results) if (STATUS_RANK[r.status] < STATUS_RANK[worst]) worst = r.status;
  return worst;
}

/**
 * Groups results by pillar, then category, then check. Failing checks come
 * first in each category, and categories with failures before the others;
 * metadata missing from the catalog (e.g. a check since removed) falls back
 * to what the result itself carries.
 */
export function groupResults(
  results: CheckResult[],
  metaById: ReadonlyMap<string, CheckMetadata>,
): PillarSection[] {
  const byCheck = new Map<string, CheckResult[]>();
  for (const r of results) {
    const list = byCheck.get(r.checkId);
    if (list) list.push(r);
    else byCheck.set(r.checkId, [r]);
  }
  const groups: CheckGroup[] = [...byCheck.entries()].map(([checkId, rs]) => {
    const meta = metaById.get(checkId);
    return {
      checkId,
      meta,
      title: meta?.title ?? checkId,
      pillar: meta?.pillar ?? rs[0].pillar,
      category: meta?.category ?? 'uncategorised',
      severity: meta?.severity ?? rs[0].severity,
      status: worstStatus(rs),
      results: [...rs].sort((a, b) => STATUS_RANK[a.status] - STATUS_RANK[b.status]),
      failing: rs.filter(r => r.status === 'fail').length,
      hasExpiredExemption: rs.some(r => r.exemption?.expired),
    };
  });

  return PILLARS.map(pillar => {
    const byCategory = new Map<string, CheckGroup[]>();
    for (const g of groups.filter(x => x.pillar === pillar)) {
      const list = byCategory.get(g.category);
      if (list) list.push(g);
      else byCategory.set(g.category, [g]);
    }
    const categories: CategorySection[] = [...byCategory.entries()].map(([category, checks]) => ({
      category,
      checks: checks.sort(
        (a, b) =>
          STATUS_RANK[a.status] - STATUS_RANK[b.status] ||
          SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
          a.title.localeCompare(b.title),
      ),
      failing: checks.filter(c => c.status === 'fail').length,
    }));
    categories.sort(
      (a, b) => Number(b.failing > 0) - Number(a.failing > 0) || a.category.localeCompare(b.category),
    );
    return { pillar, categories, failing: categories.reduce((n, c) => n + c.failing, 0) };
  }).filter(section => section.categories.length > 0);
}

export function objectLabel(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

/** Distinct workloads (per cluster) named by a check's results. */
export function affectedWorkloads(results: CheckResult[]): { label: string; cluster?: string }[] {
  const seen = new Map<string, { label: string; cluster?: string }>();
  for (const r of results) {
    const label = objectLabel(r.subject);
    const key = `${r.cluster ?? ''}\u0000${label}`;
    if (!seen.has(key)) seen.set(key, { label, cluster: r.cluster });
  }
  return [...seen.values()];
}

export function affectedContainers(results: CheckResult[]): string[] {
  const names = new Set<string>();
  for (const r of results) for (const e of r.evidence) if (e.container) names.add(e.container);
  return [...names].sort();
}

/** Pillars with at least one failing result: what a golden path would have to fix. */
export function failingPillars(results: CheckResult[]): Pillar[] {
  return PILLARS.filter(p => results.some(r => r.pillar === p && r.status === 'fail'));
}

/** Reference ids worth showing, labelled by the tool or standard they belong to. */
export const REFERENCE_LABELS: Record<string, string> = {
  pss: 'PSS',
  cis: 'CIS',
  nsa: 'NSA',
  kubescape: 'kubescape',
  polaris: 'Polaris',
  kubeScore: 'kube-score',
};
