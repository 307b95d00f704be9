import { ContainerResources, WorkloadResources } from '@posture-dev/backstage-plugin-posture-common';
import { CheckContext } from './check';
import { num, obj } from './k8s';
import { Workload } from './workloads';
// The right-sizing checks and this summary must read requests and use the same way; the helpers live with the checks.
import { effective, longRunningContainers, usageFor } from '../checks/signals/_usage';

/**
 * How many pods the workload runs, for totals: what a live object says (an HPA writes
 * `spec.replicas`), else the HPA's floor, else the API server's default of 1. A DaemonSet runs one
 * pod per node: its live status says how many; a manifest cannot, so it counts as one.
 */
function replicasOf(w: Workload, ctx: CheckContext): { replicas: number; from: string } {
  if (w.kind === 'DaemonSet') {
    const n = num(obj(w.object.status)?.desiredNumberScheduled);
    return n !== undefined && n >= 0 ? { replicas: n, from: 'status.desiredNumberScheduled' } : { replicas: 1, from: 'one node' };
  }
  if (w.kind === 'Pod') return { replicas: 1, from: 'pod' };
  if (w.kind === 'Job' || w.kind === 'CronJob') {
    const jobSpec = w.kind === 'Job' ? obj(w.object.spec) : obj(obj(obj(w.object.spec)?.jobTemplate)?.spec);
    const p = num(jobSpec?.parallelism);
    return p !== undefined && p >= 0 ? { replicas: p, from: 'parallelism' } : { replicas: 1, from: 'default' };
  }
  if (w.replicas !== undefined && Number.isFinite(w.replicas) && w.replicas >= 0)
    return { replicas: w.replicas, from: 'spec.replicas' };
  for (const s of ctx.index.scalersFor(w)) {
    const min = num(obj(s.spec)?.minReplicas) ?? num(obj(s.spec)?.minReplicaCount);
    if (min !== undefined && min >= 0) return { replicas: min, from: `${s.kind} minimum` };
  }
  return { replicas: 1, from: 'default' };
}

/**
 * What a workload requests against what it uses, for the Posture tab and the per-team
 * over-request estimate. Undefined without a usage source (Prometheus or a VPA): requests alone
 * say nothing about waste.
 */
export function workloadResources(w: Workload, ctx: CheckContext): WorkloadResources | undefined {
  const u = usageFor(w, ctx);
  if (!u) return undefined;
  const containers: ContainerResources[] = [];
  for (const c of longRunningContainers(w)) {
    const used = u.containers.get(c.name);
    containers.push({
      name: c.name,
      requests: { cpu: effective(w, c, ctx, 'requests', 'cpu'), memory: effective(w, c, ctx, 'requests', 'memory') },
      limits: { cpu: effective(w, c, ctx, 'limits', 'cpu'), memory: effective(w, c, ctx, 'limits', 'memory') },
      used: {
        cpuP95: used?.cpu.p95,
        cpuMax: used?.cpu.max,
        memoryP95: used?.memory.p95,
        memoryMax: used?.memory.max,
      },
    });
  }
  if (containers.length === 0) return undefined;
  const { replicas, from } = replicasOf(w, ctx);
  return {
    workload: w.ref,
    replicas,
    replicasFrom: from,
    source: u.source,
    window: u.window,
    containers,
  };
}
