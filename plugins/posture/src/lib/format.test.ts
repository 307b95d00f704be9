import { formatAge, formatDuration, formatScore } from './format';

describe('format', () => {
  it('formats ages rounded down', () => {
    const now = Date.parse('2024-06-01T12:00:00Z');
    expect(formatAge('2024-06-01T09:00:00Z', now)).toBe('3 hours ago');
    expect(formatAge('2024-06-01T11:59:00Z', now)).toBe('1 minute ago');
    expect(formatAge('2024-05-30T11:00:00Z', now)).toBe('2 days ago');
    expect(formatAge('2024-06-01T11:59:59Z', now)).toBe('less than a minute ago');
    expect(formatAge(null, now)).toBe('never');
    expect(formatAge('garbage', now)).toBe('unknown');
    expect(formatDuration(90 * 60 * 1000)).toBe('1 hour');
  });

  it('rounds scores and shows a dash for none', () => {
    expect(formatScore(84.6)).toBe('85');
    expect(formatScore(null)).toBe('–');
  });
});
