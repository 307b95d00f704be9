import { WorkloadResources } from './types';

/** CPU cores and memory bytes. */
export interface ResourceAmount {
  cpuCores: number;
  memoryBytes: number;
}

/**
 * What a workload requests, and reserves without using, over all its replicas: the budget-meeting
 * number. Only containers with both a request and a measurement count, in both figures, so the
 * share over-requested compares like with like and the estimate is a floor. CPU counts the request
 * above p95 use (CPU is throttled, not killed, above its request); memory counts the request above
 * peak use, because memory given back below the peak means OOM kills.
 */
export function rightSizingOf(w: WorkloadResources): { requested: ResourceAmount; overRequested: ResourceAmount } {
  const requested = { cpuCores: 0, memoryBytes: 0 };
  const overRequested = { cpuCores: 0, memoryBytes: 0 };
  for (const c of w.containers) {
    if (c.requests.cpu !== undefined && c.used.cpuP95 !== undefined) {
      requested.cpuCores += c.requests.cpu;
      overRequested.cpuCores += Math.max(0, c.requests.cpu - c.used.cpuP95);
    }
    if (c.requests.memory !== undefined && c.used.memoryMax !== undefined) {
      requested.memoryBytes += c.requests.memory;
      overRequested.memoryBytes += Math.max(0, c.requests.memory - c.used.memoryMax);
    }
  }
  const n = Number.isFinite(w.replicas) && w.replicas > 0 ? w.replicas : 0;
  const times = (a: ResourceAmount) => ({ cpuCores: a.cpuCores * n, memoryBytes: a.memoryBytes * n });
  return { requested: times(requested), overRequested: times(overRequested) };
}

/** `1.25 cores`, `1 core`, `120m` below a tenth of a core. */
export function formatCores(n: number): string {
  if (n > 0 && n < 0.1) return `${Math.round(n * 1000)}m`;
  const v = Number(n.toFixed(2));
  return `${v} core${v === 1 ? '' : 's'}`;
}

/** `8.8 GiB`, `512 MiB`. */
export function formatMemory(bytes: number): string {
  const gi = 2 ** 30;
  if (bytes >= gi) return `${Number((bytes / gi).toFixed(1))} GiB`;
  return `${Math.round(bytes / 2 ** 20)} MiB`;
}
