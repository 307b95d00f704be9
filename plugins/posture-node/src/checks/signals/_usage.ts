// Shared by the right-sizing checks (the `_` prefix keeps it out of the catalog).
import { CheckContext } from '../../engine/check';
import { parseQuantity } from '../../engine/quantity';
import { WorkloadUsage, measuredUsage, vpaUsage } from '../../engine/usage';
import { ContainerEntry, Workload } from '../../engine/workloads';
import { ResourceKind, ResourceName, judgeResource, longRunningContainers } from '../scalability/_resources';

/**
 * Measured use when the snapshot carries it (Prometheus), else the
 * recommendation of a VPA that targets the workload; undefined when neither.
 */
export function usageFor(w: Workload, ctx: CheckContext): WorkloadUsage | undefined {
  return (
    measuredUsage(w, (kind, ns, name) => ctx.index.get(kind, ns, name)) ??
    vpaUsage(w, ctx.index.ofKind('VerticalPodAutoscaler', w.namespace))
  );
}

/** The request or limit the container runs with (API-server defaults counted), as a number. */
export function effective(
  w: Workload,
  c: ContainerEntry,
  ctx: CheckContext,
  kind: ResourceKind,
  resource: ResourceName,
): number | undefined {
  const f = judgeResource(w, c, ctx, kind, resource);
  if (!f.ok || f.value === undefined) return undefined;
  const q = parseQuantity(f.value);
  return q.ok && q.value > 0 ? q.value : undefined;
}

export { longRunningContainers };

/** `0.25 cores`, `1.5 cores`, `12m cores` for small values. */
export function cores(n: number): string {
  if (n < 0.1) return `${Math.round(n * 1000)}m CPU`;
  return `${Number(n.toFixed(2))} cores`;
}

export function bytes(n: number): string {
  const gi = 2 ** 30;
  const mi = 2 ** 20;
  if (n >= gi) return `${Number((n / gi).toFixed(2))}Gi`;
  return `${Math.round(n / mi)}Mi`;
}

export function percent(part: number, whole: number): string {
  return `${Math.round((part / whole) * 100)} %`;
}

/** What the evidence says the numbers are. */
export function sourceLabel(u: WorkloadUsage): string {
  return u.source === 'prometheus' ? `Prometheus, ${u.window || 'window'}` : u.source;
}
