import { WorkloadResources } from './types';

/** CPU cores and memory bytes. */
export interface ResourceAmount {
  cpuCores: number;
  memoryBytes: number;
}

/**
 * What a workload reserves and does not use, over all its replicas: the budget-meeting number.
 * CPU counts the request above p95 use (CPU is throttled, not killed, above its request); memory
 * counts the request above peak use, because memory given back below the peak means OOM kills.
 * A container without a request or a measurement adds nothing: the estimate is a floor.
 */
export function overRequest(w: WorkloadResources): ResourceAmount {
  let cpu = 0;
  let memory = 0;
  for (const c of w.containers) {
    if (c.requests.cpu !== undefined && c.used.cpuP95 !== undefined)
      cpu += Math.max(0, c.requests.cpu - c.used.cpuP95);
    if (c.requests.memory !== undefined && c.used.memoryMax !== undefined)
      memory += Math.max(0, c.requests.memory - c.used.memoryMax);
  }
  const n = Number.isFinite(w.replicas) && w.replicas > 0 ? w.replicas : 0;
  return { cpuCores: cpu * n, memoryBytes: memory * n };
}

/** What the workload requests over all its replicas, counting only containers with a measurement. */
export function measuredRequest(w: WorkloadResources): ResourceAmount {
  let cpu = 0;
  let memory = 0;
  for (const c of w.containers) {
    if (c.requests.cpu !== undefined && c.used.cpuP95 !== undefined) cpu += c.requests.cpu;
    if (c.requests.memory !== undefined && c.used.memoryMax !== undefined) memory += c.requests.memory;
  }
  const n = Number.isFinite(w.replicas) && w.replicas > 0 ? w.replicas : 0;
  return { cpuCores: cpu * n, memoryBytes: memory * n };
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
