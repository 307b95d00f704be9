import { countByQuadrant, quadrantOf } from './quadrant';

describe('quadrantOf', () => {
  it('places points by the threshold on both axes, inclusive', () => {
    expect(quadrantOf({ scalability: 70, security: 70 })).toBe('balanced');
    expect(quadrantOf({ scalability: 69.9, security: 95 })).toBe('secure-fragile');
    expect(quadrantOf({ scalability: 95, security: 20 })).toBe('scalable-exposed');
    expect(quadrantOf({ scalability: 10, security: 10 })).toBe('at-risk');
    expect(quadrantOf({ scalability: 85, security: 85 }, 90)).toBe('at-risk');
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
});
