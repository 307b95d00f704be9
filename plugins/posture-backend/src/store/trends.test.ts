import { MAX_TREND_POINTS, thin, trendFromHistory } from './trends';

const p = (entityRef: string, at: string, overall: number | null) => ({
  entityRef,
  at,
  scalability: overall,
  security: overall,
  overall,
});

describe('trendFromHistory', () => {
  it('averages each entity at its latest point, replacing its earlier value', () => {
    const points = trendFromHistory([
      p('a', '2026-01-01T00:00:00.000Z', 60),
      p('b', '2026-01-01T00:00:00.000Z', 80),
      p('a', '2026-01-02T00:00:00.000Z', 90),
      p('c', '2026-01-03T00:00:00.000Z', null),
    ]);
    expect(points.map(x => [x.at.slice(0, 10), x.overall, x.scored])).toEqual([
      ['2026-01-01', 70, 2],
      ['2026-01-02', 85, 2],
      // c has no score: it does not pull the average down
      ['2026-01-03', 85, 2],
    ]);
  });

  it('drops an entity from the average when it loses its score', () => {
    const points = trendFromHistory([p('a', '2026-01-01T00:00:00.000Z', 50), p('b', '2026-01-01T00:00:00.000Z', 100), p('a', '2026-01-02T00:00:00.000Z', null)]);
    expect(points[1]).toMatchObject({ overall: 100, scored: 1 });
  });

  it('carries the last value to now', () => {
    const points = trendFromHistory([p('a', '2026-01-01T00:00:00.000Z', 60)], '2026-02-01T00:00:00.000Z');
    expect(points.map(x => x.at)).toEqual(['2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z']);
    expect(points[1].overall).toBe(60);
  });

  it('thins to one point per day beyond the limit', () => {
    const many = Array.from({ length: MAX_TREND_POINTS + 50 }, (_, i) => ({
      at: new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString(),
    }));
    const thinned = thin(many);
    expect(thinned.length).toBeLessThanOrEqual(MAX_TREND_POINTS);
    expect(new Set(thinned.map(x => x.at.slice(0, 10))).size).toBe(thinned.length);
    expect(thinned[thinned.length - 1]).toBe(many[many.length - 1]);
  });
});
