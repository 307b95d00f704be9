import {
  CampaignDefinition,
  CampaignDetail,
  CampaignEntity,
  CampaignSummary,
  CampaignTarget,
  CheckMetadata,
  Level,
  OverviewRow,
} from '@posture-dev/backstage-plugin-posture-common';

/** A failing check of an entity, as the store keeps it. */
export interface Failure {
  checkId: string;
  severity: string;
  pillar?: string;
}

const LEVEL_RANK: Record<Level, number> = { Gold: 0, Silver: 1, Bronze: 2, None: 3 };
const SEVERITY_RANK: Record<string, number> = { critical: 0, high: 1, medium: 2, low: 3 };
const DAY_MS = 86_400_000;

/**
 * The severities whose failures stand between a service and a level (the level rules in
 * posture-common's levelFor: a critical failure means no level, a high one caps at Bronze, any
 * other failure caps at Silver).
 */
const BLOCKING_FOR_LEVEL: Record<Exclude<Level, 'None'>, string[]> = {
  Bronze: ['critical'],
  Silver: ['critical', 'high'],
  Gold: ['critical', 'high', 'medium', 'low'],
};

/** Whether one state of an entity meets the target. Not scored never meets it: no data is no pass. */
export function meetsTarget(
  target: CampaignTarget,
  state: { scored: boolean; level: Level | null; scores: Record<'overall' | 'scalability' | 'security', number | null> },
  failing?: (checkId: string) => boolean,
): boolean {
  if (!state.scored) return false;
  switch (target.type) {
    case 'level':
      return state.level !== null && LEVEL_RANK[state.level] <= LEVEL_RANK[target.level];
    case 'score': {
      const s = state.scores[target.pillar];
      return s !== null && s >= target.score;
    }
    case 'check':
      return failing ? !failing(target.checkId) : false;
    default:
      return false;
  }
}

function blockingChecks(target: CampaignTarget, failures: Failure[], titles: Map<string, CheckMetadata>) {
  let relevant: Failure[];
  if (target.type === 'check') relevant = failures.filter(f => f.checkId === target.checkId);
  else if (target.type === 'level') {
    const severities = BLOCKING_FOR_LEVEL[target.level];
    relevant = failures.filter(f => severities.includes(f.severity));
  } else {
    // any failure in the pillar lowers its score; overall counts both pillars
    relevant = failures.filter(f => target.pillar === 'overall' || !f.pillar || f.pillar === target.pillar);
  }
  return relevant
    .map(f => ({ checkId: f.checkId, title: titles.get(f.checkId)?.title ?? f.checkId, severity: f.severity }))
    .sort(
      (a, b) =>
        (SEVERITY_RANK[a.severity] ?? 9) - (SEVERITY_RANK[b.severity] ?? 9) || (a.checkId < b.checkId ? -1 : 1),
    );
}

function notScoredReason(state: OverviewRow['state']): string {
  if (state === 'no-annotations') return 'not scored: the entity has no Kubernetes annotations';
  if (state === 'no-workloads') return 'not scored: no workloads matched in the clusters searched';
  return 'not scored';
}

/** One service against the campaign's target. */
export function judgeEntity(
  def: Pick<CampaignDefinition, 'target'>,
  row: OverviewRow,
  failures: Failure[],
  titles: Map<string, CheckMetadata>,
): CampaignEntity {
  const failingIds = new Set(failures.map(f => f.checkId));
  const met = meetsTarget(
    def.target,
    {
      scored: row.state === 'scored',
      level: row.level,
      scores: { overall: row.overall, scalability: row.scalability, security: row.security },
    },
    id => failingIds.has(id),
  );
  const blocking = met ? [] : blockingChecks(def.target, failures, titles);
  let reason: string | null = null;
  if (!met) {
    if (row.state !== 'scored') reason = notScoredReason(row.state);
    else if (blocking.length === 0) reason = 'below the target';
  }
  return {
    entityRef: row.entityRef,
    title: row.title,
    owner: row.owner,
    state: row.state,
    met,
    grade: row.grade,
    level: row.level,
    overall: row.overall,
    blockingChecks: blocking,
    reason,
  };
}

/** Whole days from `today` (UTC midnight) to the deadline; negative once it has passed. */
export function daysLeft(deadline: string, today: Date): number {
  const start = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  return Math.round((Date.parse(`${deadline}T00:00:00Z`) - start) / DAY_MS);
}

export function summarise(def: CampaignDefinition, entities: CampaignEntity[], today: Date): CampaignSummary {
  const met = entities.filter(e => e.met).length;
  return {
    ...def,
    progress: {
      total: entities.length,
      met,
      percent: entities.length ? Math.round((met / entities.length) * 1000) / 10 : null,
    },
    daysLeft: daysLeft(def.deadline, today),
  };
}

/** Progress per owner, the owners with the most services still short first. */
export function byOwner(entities: CampaignEntity[]): CampaignDetail['byOwner'] {
  const map = new Map<string | null, { owner: string | null; total: number; met: number }>();
  for (const e of entities) {
    const entry = map.get(e.owner) ?? { owner: e.owner, total: 0, met: 0 };
    entry.total++;
    if (e.met) entry.met++;
    map.set(e.owner, entry);
  }
  return [...map.values()].sort(
    (a, b) => b.total - b.met - (a.total - a.met) || String(a.owner).localeCompare(String(b.owner)),
  );
}

/** A stored history point, enough to judge level and score targets. */
export interface BurndownInput {
  entityRef: string;
  at: string;
  scalability: number | null;
  security: number | null;
  overall: number | null;
  level: Level;
}

/** A service meeting the target or not, from a given time on. */
export interface MetState {
  entityRef: string;
  at: string;
  met: boolean;
}

/**
 * Services in scope still short over time. For a level or score target this sweeps the stored
 * score history (an entity's state at t is its latest point at or before t; before its first
 * point it is short). History keeps scores and levels, not single checks, so a check target uses
 * the met/short states recorded per campaign instead (`states`), and without them has only its
 * current point. The last point is always the current state.
 */
export function burndown(
  def: CampaignDefinition,
  history: BurndownInput[],
  current: CampaignEntity[],
  now: string,
  states: MetState[] = [],
): CampaignDetail['burndown'] {
  const total = current.length;
  const nowPoint = { at: now, short: current.filter(e => !e.met).length, total };
  const inScope = new Set(current.map(e => e.entityRef.toLocaleLowerCase('en-US')));
  const rows: MetState[] =
    def.target.type === 'check'
      ? states
      : history.map(r => ({
          entityRef: r.entityRef,
          at: r.at,
          met: meetsTarget(def.target, {
            scored: r.overall !== null,
            level: r.level,
            scores: { overall: r.overall, scalability: r.scalability, security: r.security },
          }),
        }));
  const metNow = new Map<string, boolean>();
  let met = 0;
  const from = def.startsAt ? `${def.startsAt}T00:00:00.000Z` : '';
  const points: CampaignDetail['burndown'] = [];
  const inScopeRows = rows.filter(r => inScope.has(r.entityRef.toLocaleLowerCase('en-US')));
  for (let i = 0; i < inScopeRows.length; i++) {
    const r = inScopeRows[i];
    const was = metNow.get(r.entityRef) ?? false;
    if (r.met !== was) met += r.met ? 1 : -1;
    metNow.set(r.entityRef, r.met);
    const last = i === inScopeRows.length - 1 || inScopeRows[i + 1].at !== r.at;
    if (!last) continue;
    const point = { at: r.at < from ? from : r.at, short: total - met, total };
    // points before the start collapse into the start
    if (points.length && points[points.length - 1].at === point.at) points[points.length - 1] = point;
    else points.push(point);
  }
  if (!points.length || points[points.length - 1].at < now) points.push(nowPoint);
  else points[points.length - 1] = nowPoint;
  return points;
}
