import { describeInterval } from './interval';

describe('describeInterval', () => {
  it('reads the object form of a HumanDuration', () => {
    expect(describeInterval({ minutes: 2 })).toBe('2 minutes');
    expect(describeInterval({ hours: 1, minutes: 30 })).toBe('1 hour 30 minutes');
    expect(describeInterval({ days: 1 })).toBe('1 day');
  });

  it('reads ISO 8601 and ms-style strings', () => {
    expect(describeInterval('PT10M')).toBe('10 minutes');
    expect(describeInterval('P1DT2H')).toBe('1 day 2 hours');
    expect(describeInterval('2m')).toBe('2 minutes');
    expect(describeInterval('1 hour')).toBe('1 hour');
  });

  it('says nothing rather than guess', () => {
    expect(describeInterval(undefined)).toBeUndefined();
    expect(describeInterval(null)).toBeUndefined();
    expect(describeInterval({})).toBeUndefined();
    expect(describeInterval({ minutes: 0 })).toBeUndefined();
    expect(describeInterval({ fortnights: 1 })).toBeUndefined();
    expect(describeInterval({ minutes: '2' })).toBeUndefined();
    expect(describeInterval('soon')).toBeUndefined();
    expect(describeInterval(120)).toBeUndefined();
  });
});
