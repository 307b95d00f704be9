import { HistoryPoint } from '@posture-dev/backstage-plugin-posture-common';
import { describeRegression, plotPillar, xPositions, yPosition } from './history';
import { HISTORY } from '../testUtils/fixtures';

const AREA = { width: 110, height: 110, left: 10, right: 0, top: 10, bottom: 0 };

describe('history plotting', () => {
  it('spaces points by time and scales scores to the plot area', () => {
    expect(xPositions(HISTORY, AREA)).toEqual([10, 10 + (9 / 19) * 100, 110]);
    expect(yPosition(100, AREA)).toBe(10);
    expect(yPosition(0, AREA)).toBe(110);
    expect(yPosition(150, AREA)).toBe(10);
  });

  it('marks points where the pillar score fell', () => {
    const [segment] = plotPillar(HISTORY, 'scalability', AREA);
    expect(segment.map(p => p.dropped)).toEqual([false, true, false]);
    const [sec] = plotPillar(HISTORY, 'security', AREA);
    expect(sec.map(p => p.dropped)).toEqual([false, false, true]);
  });

  it('breaks the line where a pillar had no score', () => {
    const gap: HistoryPoint[] = [HISTORY[0], { ...HISTORY[1], security: null }, HISTORY[2]];
    expect(plotPillar(gap, 'security', AREA).map(s => s.length)).toEqual([1, 1]);
  });

  it('spreads evenly when times are equal or unparsable', () => {
    const same = HISTORY.map(p => ({ ...p, at: 'not a date' }));
    expect(xPositions(same, AREA)).toEqual([10, 60, 110]);
    expect(xPositions([HISTORY[0]], AREA)).toEqual([60]);
  });

  it('describes what a regression dropped', () => {
    expect(describeRegression(HISTORY[1])).toBe('Regression: grade B → C, level Silver → Bronze');
    expect(describeRegression(HISTORY[0])).toBeUndefined();
  });
});
