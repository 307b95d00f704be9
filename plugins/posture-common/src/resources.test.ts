import { formatCores, formatMemory, rightSizingOf } from './resources';
import { WorkloadResources } from './types';

const w = (replicas: number, containers: WorkloadResources['containers']): WorkloadResources => ({
  workload: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' },
  replicas,
  replicasFrom: 'spec.replicas',
  source: 'prometheus',
  window: '7d',
  containers,
});

describe('rightSizingOf', () => {
  it('counts CPU above p95 use and memory above peak use, times the replicas', () => {
    const r = w(2, [
      { name: 'a', requests: { cpu: 1, memory: 1000 }, limits: {}, used: { cpuP95: 0.25, cpuMax: 0.9, memoryP95: 100, memoryMax: 600 } },
    ]);
    expect(rightSizingOf(r)).toEqual({
      requested: { cpuCores: 2, memoryBytes: 2000 },
      overRequested: { cpuCores: 1.5, memoryBytes: 800 },
    });
  });

  it('never goes negative, and leaves out what is not both requested and measured', () => {
    const r = w(3, [
      { name: 'busy', requests: { cpu: 0.1, memory: 100 }, limits: {}, used: { cpuP95: 0.5, memoryMax: 900 } },
      { name: 'unmeasured', requests: { cpu: 4, memory: 4000 }, limits: {}, used: {} },
      { name: 'no-request', requests: {}, limits: {}, used: { cpuP95: 0.1, memoryMax: 10 } },
    ]);
    const { requested, overRequested } = rightSizingOf(r);
    expect(overRequested).toEqual({ cpuCores: 0, memoryBytes: 0 });
    expect(requested.cpuCores).toBeCloseTo(0.3);
    expect(requested.memoryBytes).toBe(300);
  });

  it('counts nothing for a workload scaled to zero or with a nonsense replica count', () => {
    const c = [{ name: 'a', requests: { cpu: 1 }, limits: {}, used: { cpuP95: 0 } }];
    expect(rightSizingOf(w(0, c)).overRequested.cpuCores).toBe(0);
    expect(rightSizingOf(w(Number.NaN, c)).overRequested.cpuCores).toBe(0);
  });
});

describe('formatting', () => {
  it('reads like kubectl top', () => {
    expect(formatCores(0.05)).toBe('50m');
    expect(formatCores(2.456)).toBe('2.46 cores');
    expect(formatCores(1)).toBe('1 core');
    expect(formatMemory(512 * 2 ** 20)).toBe('512 MiB');
    expect(formatMemory(8.8 * 2 ** 30)).toBe('8.8 GiB');
  });
});
