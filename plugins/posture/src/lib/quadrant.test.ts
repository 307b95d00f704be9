import { countByQuadrant, groupPoints, isQuadrantId, quadrantOf } from './quadrant';

const point = (name: string, scalability: number, security: number, grade: 'A' | 'C' | 'F' | null = 'C') => ({
  entityRef: `component:default/${name}`,
  name,
  scalability,
  security,
  grade,
});

describe('quadrantOf', () => {
  it('places points by the threshold of 70 on both axes, inclusive', () => {
    expect(quadrantOf({ scalability: 70, security: 70 })).toBe('balanced');
    expect(quadrantOf({ scalability: 69.9, security: 95 })).toBe('secure-fragile');
    expect(quadrantOf({ scalability: 95, security: 20 })).toBe('scalable-exposed');
    expect(quadrantOf({ scalability: 10, security: 10 })).toBe('at-risk');
  });

  it('counts every point once', () => {
    const counts = countByQuadrant([
      { scalability: 100, security: 100 },
      { scalability: 0, security: 100 },
      { scalability: 0, security: 0 },
      { scalability: 0, security: 0 },
    ]);
    expect(counts).toEqual({ balanced: 1, 'secure-fragile': 1, 'scalable-exposed': 0, 'at-risk': 2 });
  });

  it('knows its ids', () => {
    expect(isQuadrantId('at-risk')).toBe(true);
    expect(isQuadrantId('top-left')).toBe(false);
    expect(isQuadrantId(undefined)).toBe(false);
  });
});

describe('groupPoints', () => {
  it('draws services on the same spot as one group, worst grade, names in order', () => {
    const groups = groupPoints([
      point('web', 100, 100, 'A'),
      point('cart', 50, 40, 'C'),
      point('api', 50.3, 39.8, 'F'),
      point('admin', 100, 100, 'A'),
    ]);
    expect(groups.map(g => [g.quadrant, g.points.map(p => p.name), g.grade])).toEqual([
      ['balanced', ['admin', 'web'], 'A'],
      ['at-risk', ['api', 'cart'], 'F'],
    ]);
    expect(groups[1].scalability).toBeCloseTo(50.15);
    expect(groups[1].security).toBeCloseTo(39.9);
  });

  it('never groups across the threshold, even when the scores round alike', () => {
    const groups = groupPoints([point('below', 69.7, 80), point('at', 70, 80)]);
    expect(groups.map(g => [g.quadrant, g.points.map(p => p.name)])).toEqual([
      ['secure-fragile', ['below']],
      ['balanced', ['at']],
    ]);
  });

  it('orders groups top to bottom, then left to right', () => {
    const names = groupPoints([point('low', 10, 10), point('top-right', 90, 90), point('top-left', 10, 90)]).map(
      g => g.points[0].name,
    );
    expect(names).toEqual(['top-left', 'top-right', 'low']);
  });
});
