import { CheckMetadata } from '@posture-dev/backstage-plugin-posture-common';
import { result } from '../testUtils/fixtures';
import { describeLevelSteps, failingChecksBySeverity, fixFirstOrder, levelName, levelSteps } from './fixFirst';

const none = new Map<string, CheckMetadata>();

describe('fixFirstOrder', () => {
  it('lists failing checks of both pillars, most severe first, then by failing results', () => {
    const order = fixFirstOrder(
      [
        result({ checkId: 'low-sec', severity: 'low', pillar: 'security' }),
        result({ checkId: 'crit-scal', severity: 'critical', pillar: 'scalability' }),
        result({ checkId: 'high-a', severity: 'high', pillar: 'security' }),
        result({ checkId: 'high-b', severity: 'high', pillar: 'scalability' }),
        result({ checkId: 'high-b', severity: 'high', pillar: 'scalability', subject: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'other' } }),
        result({ checkId: 'passing-crit', severity: 'critical', status: 'pass' }),
        result({ checkId: 'exempt-crit', severity: 'critical', status: 'exempt' }),
      ],
      none,
    );
    expect(order.map(g => g.checkId)).toEqual(['crit-scal', 'high-b', 'high-a', 'low-sec']);
  });
});

describe('level steps', () => {
  it('says how many checks of each severity stand between the service and each level', () => {
    const steps = levelSteps({ critical: 5, high: 11, medium: 2, low: 1 });
    expect(describeLevelSteps(steps)).toBe(
      'Fix 5 critical checks to reach Bronze; 11 high to reach Silver; 3 medium or low to reach Gold.',
    );
    expect(describeLevelSteps(levelSteps({ critical: 0, high: 1, medium: 0, low: 0 }))).toBe(
      'Fix 1 high check to reach Silver.',
    );
    expect(describeLevelSteps(levelSteps({ critical: 0, high: 0, medium: 0, low: 0 }))).toBe(
      'No check fails: this service is at Gold.',
    );
  });

  it('counts a check failing on several workloads once', () => {
    const groups = fixFirstOrder(
      [
        result({ checkId: 'a', severity: 'critical' }),
        result({ checkId: 'a', severity: 'critical', subject: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'x', name: 'y' } }),
      ],
      none,
    );
    expect(failingChecksBySeverity(groups)).toEqual({ critical: 1, high: 0, medium: 0, low: 0 });
  });

  it('names the lowest level', () => {
    expect(levelName('None')).toBe('No level');
    expect(levelName(undefined)).toBe('No level');
    expect(levelName('Silver')).toBe('Silver');
  });
});
