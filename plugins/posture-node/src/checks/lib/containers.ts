import { Evidence } from '@posture-dev/backstage-plugin-posture-common';
import { CheckContext, Outcome, fail, notApplicable, pass } from '../../engine/check';
import { ContainerEntry, ContainerType, Workload, containersOf } from '../../engine/workloads';

export interface ContainerVerdict {
  ok: boolean;
  /** path relative to the container, e.g. `securityContext.readOnlyRootFilesystem` */
  field: string;
  value?: string;
  detail?: string;
}

/**
 * Judges every container of a workload and reports once for the workload,
 * naming each failing container in the evidence.
 */
export function perContainer(
  w: Workload,
  _ctx: CheckContext,
  options: {
    types?: ContainerType[];
    judge: (c: ContainerEntry) => ContainerVerdict | undefined;
    passMessage: string;
    failMessage: (failing: string[]) => string;
  },
): Outcome {
  const containers = containersOf(w, options.types ?? ['containers', 'initContainers']);
  if (containers.length === 0) return notApplicable('No containers');
  const failing: Evidence[] = [];
  let judged = 0;
  for (const c of containers) {
    const v = options.judge(c);
    if (!v) continue;
    judged++;
    if (!v.ok) {
      failing.push({
        path: `${c.path}.${v.field}`,
        container: c.name,
        ...(v.value !== undefined ? { value: v.value } : {}),
        ...(v.detail ? { detail: v.detail } : {}),
      });
    }
  }
  if (judged === 0) return notApplicable('No container this check applies to');
  if (failing.length === 0) return pass(options.passMessage);
  return fail(
    options.failMessage([...new Set(failing.map(e => e.container!))]),
    failing,
  );
}
