import { CampaignDefinition, OverviewRow } from '@posture-dev/backstage-plugin-posture-common';
import { burndown, byOwner, daysLeft, judgeEntity, summarise } from './evaluate';

const def = (target: CampaignDefinition['target'], extra: Partial<CampaignDefinition> = {}): CampaignDefinition => ({
  id: 'c',
  title: 'C',
  description: null,
  target,
  deadline: '2027-03-31',
  startsAt: null,
  scope: {},
  notifyDaysBefore: 14,
  ...extra,
});

const row = (name: string, o: Partial<OverviewRow> = {}): OverviewRow => ({
  entityRef: `component:default/${name}`,
  kind: 'Component',
  namespace: 'default',
  name,
  title: null,
  owner: 'group:default/team-a',
  system: null,
  lifecycle: 'production',
  clusters: ['demo'],
  state: 'scored',
  scalability: 80,
  security: 80,
  overall: 80,
  grade: 'B',
  level: 'Silver',
  pssLevel: 'restricted',
  lastChangedAt: null,
  ...o,
});

const titles = new Map();
const F = (checkId: string, severity: string, pillar = 'security') => ({ checkId, severity, pillar });

describe('judgeEntity', () => {
  it('a level target is met at or above the level; the blockers are the severities that cap it', () => {
    const silver = def({ type: 'level', level: 'Silver' });
    expect(judgeEntity(silver, row('a', { level: 'Gold' }), [], titles).met).toBe(true);
    const short = judgeEntity(silver, row('b', { level: 'None' }), [F('low-1', 'low'), F('crit', 'critical'), F('hi', 'high')], titles);
    expect(short.met).toBe(false);
    // the low failure does not stand between it and Silver
    expect(short.blockingChecks.map(c => c.checkId)).toEqual(['crit', 'hi']);
  });

  it('a score target compares the pillar; blockers are that pillar`s failures', () => {
    const t = def({ type: 'score', score: 85, pillar: 'scalability' });
    const r = judgeEntity(t, row('a', { scalability: 84 }), [F('sec', 'high'), F('rep', 'medium', 'scalability')], titles);
    expect(r.met).toBe(false);
    expect(r.blockingChecks.map(c => c.checkId)).toEqual(['rep']);
    expect(judgeEntity(t, row('a', { scalability: 85 }), [], titles).met).toBe(true);
  });

  it('a check target is met by a scored service that does not fail it', () => {
    const t = def({ type: 'check', checkId: 'pss-privileged' });
    expect(judgeEntity(t, row('a'), [F('other', 'critical')], titles).met).toBe(true);
    const r = judgeEntity(t, row('a'), [F('pss-privileged', 'critical')], titles);
    expect(r.met).toBe(false);
    expect(r.blockingChecks.map(c => c.checkId)).toEqual(['pss-privileged']);
  });

  it('a service without a score never meets a target, and says why', () => {
    for (const target of [def({ type: 'check', checkId: 'x' }), def({ type: 'level', level: 'Bronze' })]) {
      const r = judgeEntity(target, row('a', { state: 'no-workloads', level: null, overall: null }), [], titles);
      expect(r.met).toBe(false);
      expect(r.reason).toMatch(/not scored: no workloads/);
    }
  });
});

describe('progress', () => {
  it('counts met of total, per owner with the most short first, and days left', () => {
    const t = def({ type: 'level', level: 'Silver' });
    const entities = [
      judgeEntity(t, row('a', { owner: 'group:default/x' }), [], titles),
      judgeEntity(t, row('b', { owner: 'group:default/y', level: 'Bronze' }), [], titles),
      judgeEntity(t, row('c', { owner: 'group:default/y', level: 'None' }), [], titles),
    ];
    const s = summarise(t, entities, new Date('2027-03-01T15:00:00Z'));
    expect(s.progress).toEqual({ total: 3, met: 1, percent: 33.3 });
    expect(s.daysLeft).toBe(30);
    expect(byOwner(entities)).toEqual([
      { owner: 'group:default/y', total: 2, met: 0 },
      { owner: 'group:default/x', total: 1, met: 1 },
    ]);
    expect(daysLeft('2027-03-01', new Date('2027-03-02T00:00:00Z'))).toBe(-1);
  });
});

describe('burndown', () => {
  const t = def({ type: 'level', level: 'Silver' });
  const h = (name: string, at: string, level: any, overall: number | null = 80) => ({
    entityRef: `component:default/${name}`,
    at,
    scalability: overall,
    security: overall,
    overall,
    level,
  });

  it('counts services short at each change, ending at the current state', () => {
    const current = [judgeEntity(t, row('a'), [], titles), judgeEntity(t, row('b', { level: 'Bronze' }), [], titles)];
    const points = burndown(
      t,
      [
        h('a', '2026-01-01T00:00:00.000Z', 'None'),
        h('b', '2026-01-01T00:00:00.000Z', 'Bronze'),
        h('a', '2026-01-05T00:00:00.000Z', 'Silver'),
        h('zzz-out-of-scope', '2026-01-06T00:00:00.000Z', 'None'),
      ],
      current,
      '2026-02-01T00:00:00.000Z',
    );
    expect(points).toEqual([
      { at: '2026-01-01T00:00:00.000Z', short: 2, total: 2 },
      { at: '2026-01-05T00:00:00.000Z', short: 1, total: 2 },
      { at: '2026-02-01T00:00:00.000Z', short: 1, total: 2 },
    ]);
  });

  it('collapses points before the start into the start', () => {
    const withStart = def({ type: 'level', level: 'Silver' }, { startsAt: '2026-01-10' });
    const current = [judgeEntity(withStart, row('a'), [], titles)];
    const points = burndown(
      withStart,
      [h('a', '2026-01-01T00:00:00.000Z', 'None'), h('a', '2026-01-02T00:00:00.000Z', 'Silver')],
      current,
      '2026-02-01T00:00:00.000Z',
    );
    expect(points[0]).toEqual({ at: '2026-01-10T00:00:00.000Z', short: 0, total: 1 });
  });

  it('sweeps the recorded met/short states for a check target', () => {
    const c = def({ type: 'check', checkId: 'x' });
    const current = [judgeEntity(c, row('a'), [], titles), judgeEntity(c, row('b'), [F('x', 'high')], titles)];
    const points = burndown(c, [], current, '2026-02-01T00:00:00.000Z', [
      { entityRef: 'component:default/a', at: '2026-01-01T00:00:00.000Z', met: false },
      { entityRef: 'component:default/b', at: '2026-01-01T00:00:00.000Z', met: false },
      { entityRef: 'component:default/a', at: '2026-01-10T00:00:00.000Z', met: true },
    ]);
    expect(points).toEqual([
      { at: '2026-01-01T00:00:00.000Z', short: 2, total: 2 },
      { at: '2026-01-10T00:00:00.000Z', short: 1, total: 2 },
      { at: '2026-02-01T00:00:00.000Z', short: 1, total: 2 },
    ]);
  });

  it('has only the current point for a check target without recorded states (history keeps no checks)', () => {
    const c = def({ type: 'check', checkId: 'x' });
    const points = burndown(c, [h('a', '2026-01-01T00:00:00.000Z', 'None')], [judgeEntity(c, row('a'), [F('x', 'high')], titles)], '2026-02-01T00:00:00.000Z');
    expect(points).toEqual([{ at: '2026-02-01T00:00:00.000Z', short: 1, total: 1 }]);
  });
});
