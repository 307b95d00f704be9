// Shared by the resource and probe checks (the `_` prefix keeps it out of the catalog).
import { Evidence } from '@posture-dev/backstage-plugin-posture-common';
import {
  CheckContext,
  Outcome,
  fail,
  notApplicable,
  pass,
} from '../../engine/check';
import { K8sObject, arr, nameOf, obj } from '../../engine/k8s';
import { parseQuantity } from '../../engine/quantity';
import { ContainerEntry, Workload, containersOf } from '../../engine/workloads';

export type ResourceName = 'cpu' | 'memory' | 'ephemeral-storage';
export type ResourceKind = 'requests' | 'limits';

/**
 * The containers that run for the pod's lifetime: regular containers and
 * sidecars (init containers with `restartPolicy: Always`). Plain init
 * containers run to completion first and are left out, as Polaris does.
 */
export function longRunningContainers(w: Workload): ContainerEntry[] {
  return containersOf(w, ['containers', 'initContainers']).filter(
    c => c.type === 'containers' || c.container.restartPolicy === 'Always',
  );
}

export interface Finding {
  ok: boolean;
  /** field path relative to the container */
  field: string;
  value?: string;
  /** why it fails, or where a pass came from */
  reason: string;
}

/**
 * Judges each container and reports once for the workload; a failure message
 * names every failing container with its reason (so an unparsable value is
 * visible in the message, not only in the evidence).
 */
export function judgeContainers(
  containers: ContainerEntry[],
  judge: (c: ContainerEntry) => Finding | undefined,
  messages: { pass: string; none: string },
): Outcome {
  if (containers.length === 0) return notApplicable(messages.none);
  const failing: Evidence[] = [];
  const reasons: string[] = [];
  const notes: string[] = [];
  let judged = 0;
  for (const c of containers) {
    const f = judge(c);
    if (!f) continue;
    judged++;
    if (f.ok) {
      if (f.reason) notes.push(`${c.name}: ${f.reason}`);
      continue;
    }
    failing.push({
      path: `${c.path}.${f.field}`,
      container: c.name,
      ...(f.value !== undefined ? { value: f.value } : {}),
      detail: f.reason,
    });
    reasons.push(`${c.name}: ${f.reason}`);
  }
  if (judged === 0) return notApplicable(messages.none);
  if (failing.length === 0)
    return pass(
      notes.length ? `${messages.pass} (${notes.join('; ')})` : messages.pass,
    );
  return fail(reasons.join('; '), failing);
}

interface DefaultSource {
  value: string;
  from: K8sObject;
}

/**
 * What the LimitRanger admission plugin would fill into a container that
 * leaves a resource out, from the namespace's LimitRanges of type Container.
 * Mirrors the API server's LimitRange defaulting: a default limit falls back
 * to `max`; a default request to `default`, then `min`.
 */
export function limitRangeDefault(
  ctx: CheckContext,
  namespace: string,
  kind: ResourceKind,
  resource: ResourceName,
): DefaultSource | undefined {
  for (const lr of ctx.index.ofKind('LimitRange', namespace)) {
    for (const item of arr(obj(lr.spec)?.limits)) {
      const it = obj(item);
      if (!it || it.type !== 'Container') continue;
      const order =
        kind === 'limits'
          ? ['default', 'max']
          : ['defaultRequest', 'default', 'min'];
      for (const field of order) {
        const v = obj(it[field])?.[resource];
        if (v !== undefined && v !== null && parseQuantity(v).ok)
          return { value: String(v), from: lr };
      }
    }
  }
  return undefined;
}

const LABEL: Record<ResourceName, Record<ResourceKind, string>> = {
  cpu: { requests: 'CPU request', limits: 'CPU limit' },
  memory: { requests: 'memory request', limits: 'memory limit' },
  'ephemeral-storage': { requests: 'ephemeral-storage request', limits: 'ephemeral-storage limit' },
};

/** Judges one explicitly written quantity. */
function judgeValue(v: unknown, field: string, label: string): Finding {
  const q = parseQuantity(v);
  if (!q.ok)
    return {
      ok: false,
      field,
      value: q.raw,
      reason: `${label} is not a valid quantity: ${q.error}`,
    };
  if (q.value < 0)
    return { ok: false, field, value: q.raw, reason: `${label} is negative` };
  if (q.value === 0)
    return {
      ok: false,
      field,
      value: q.raw,
      reason: `${label} is 0, which is the same as not setting it`,
    };
  return { ok: true, field, value: q.raw, reason: '' };
}

/**
 * Is `resources.<kind>.<resource>` set for a container, counting what the API
 * server fills in: a missing request defaults to the container's limit, and
 * the namespace's LimitRange supplies defaults at admission. Pod-level
 * resources (`spec.resources`) cover every container.
 */
export function judgeResource(
  w: Workload,
  c: ContainerEntry,
  ctx: CheckContext,
  kind: ResourceKind,
  resource: ResourceName,
): Finding {
  const label = LABEL[resource][kind];
  const field = `resources.${kind}.${resource}`;
  const res = c.container.resources;
  if (res !== undefined && res !== null && !obj(res)) {
    return {
      ok: false,
      field: 'resources',
      value: JSON.stringify(res),
      reason: 'resources must be a map',
    };
  }
  const section = obj(res)?.[kind];
  if (section !== undefined && section !== null && !obj(section)) {
    return {
      ok: false,
      field: `resources.${kind}`,
      value: JSON.stringify(section),
      reason: `resources.${kind} must be a map`,
    };
  }
  const own = obj(section)?.[resource];
  if (own !== undefined && own !== null) return judgeValue(own, field, label);

  if (kind === 'requests') {
    const limit = obj(obj(res)?.limits)?.[resource];
    if (limit !== undefined && limit !== null) {
      const f = judgeValue(
        limit,
        `resources.limits.${resource}`,
        `${LABEL[resource].limits} (the request defaults to it)`,
      );
      return f.ok
        ? {
            ...f,
            field,
            reason: `request defaults to the limit ${String(limit)}`,
          }
        : f;
    }
  }

  const podLevel =
    obj(obj(w.podSpec.resources)?.[kind])?.[resource] ??
    (kind === 'requests'
      ? obj(obj(w.podSpec.resources)?.limits)?.[resource]
      : undefined);
  if (
    podLevel !== undefined &&
    podLevel !== null &&
    parseQuantity(podLevel).ok
  ) {
    return {
      ok: true,
      field,
      value: String(podLevel),
      reason: `pod-level ${kind}.${resource} ${String(podLevel)}`,
    };
  }

  const lr = limitRangeDefault(ctx, w.namespace, kind, resource);
  if (lr)
    return {
      ok: true,
      field,
      value: lr.value,
      reason: `defaulted to ${lr.value} by LimitRange ${nameOf(lr.from)}`,
    };

  return { ok: false, field, value: '(unset)', reason: `no ${label}` };
}

/** A resource check: one per (kind, resource). */
export function evaluateResource(
  w: Workload,
  ctx: CheckContext,
  kind: ResourceKind,
  resource: ResourceName,
): Outcome {
  const label = LABEL[resource][kind];
  return judgeContainers(
    longRunningContainers(w),
    c => judgeResource(w, c, ctx, kind, resource),
    {
      pass: `Every container has a ${label}`,
      none: 'No long-running containers',
    },
  );
}

const HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'] as const;

/** The probe's handler, or why it has none. */
export function probeHandler(
  probe: unknown,
): { ok: true; handler: string } | { ok: false; reason: string } {
  if (probe === undefined || probe === null)
    return { ok: false, reason: 'not set' };
  const p = obj(probe);
  if (!p)
    return {
      ok: false,
      reason: `must be a map, got ${
        Array.isArray(probe) ? 'a list' : typeof probe
      }`,
    };
  const set = HANDLERS.filter(h => obj(p[h]));
  if (set.length === 0)
    return {
      ok: false,
      reason: 'has no handler (exec, httpGet, tcpSocket or grpc)',
    };
  if (set.length > 1)
    return {
      ok: false,
      reason: `has more than one handler (${set.join(', ')})`,
    };
  return { ok: true, handler: set[0] };
}

/** A stable text form for comparing two probes. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const o = obj(v);
  if (o) {
    return `{${Object.keys(o)
      .sort()
      .map(k => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'undefined';
}

/**
 * Whether each long-running container's request equals its limit for a resource (the Guaranteed QoS condition),
 * counting the API server's default of a missing request to the limit. A container without a limit cannot meet it.
 */
export function evaluateRequestsEqualLimits(w: Workload, resource: ResourceName): Outcome {
  return judgeContainers(
    longRunningContainers(w),
    c => {
      const res = obj(c.container.resources);
      const limitRaw = obj(res?.limits)?.[resource];
      const requestRaw = obj(res?.requests)?.[resource];
      const limit = limitRaw === undefined || limitRaw === null ? undefined : parseQuantity(limitRaw);
      if (!limit || !limit.ok)
        return { ok: false, field: `resources.limits.${resource}`, value: limit ? limit.raw : '(unset)', reason: `no valid ${LABEL[resource].limits}` };
      if (requestRaw === undefined || requestRaw === null)
        return { ok: true, field: `resources.requests.${resource}`, reason: `request defaults to the limit ${limit.raw}` };
      const request = parseQuantity(requestRaw);
      if (!request.ok)
        return { ok: false, field: `resources.requests.${resource}`, value: request.raw, reason: `${LABEL[resource].requests} is not a valid quantity` };
      return request.value === limit.value
        ? { ok: true, field: `resources.requests.${resource}`, reason: '' }
        : {
            ok: false,
            field: `resources.requests.${resource}`,
            value: request.raw,
            reason: `${LABEL[resource].requests} ${request.raw} differs from the limit ${limit.raw}`,
          };
    },
    { pass: `Every container's ${LABEL[resource].requests} equals its limit`, none: 'No long-running containers' },
  );
}
