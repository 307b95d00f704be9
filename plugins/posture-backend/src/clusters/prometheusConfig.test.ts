import { ConfigReader } from '@backstage/config';
import { readPrometheusConfig } from './prometheusConfig';

const read = (prometheus: Record<string, unknown>) =>
  readPrometheusConfig(new ConfigReader({ posture: { metrics: { prometheus: { url: 'http://prom:9090', ...prometheus } } } }));

describe('readPrometheusConfig durations', () => {
  it('counts weeks, months and years, as Backstage reads them', () => {
    expect(read({ window: '2w' })!.windowSeconds).toBe(14 * 86400);
    expect(read({ window: 'P1M' })!.windowSeconds).toBe(30 * 86400);
    expect(read({ timeout: 'P1Y' })!.timeoutMs).toBe(365 * 86400 * 1000);
    expect(read({ timeout: { minutes: 1 } })!.timeoutMs).toBe(60_000);
  });

  it('refuses a timeout under a second, which would fail every query at once', () => {
    expect(() => read({ timeout: { milliseconds: 10 } })).toThrow(/timeout must be at least a second/);
  });
});
