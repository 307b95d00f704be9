import { CheckResult } from '@posture-dev/backstage-plugin-posture-common';
import { objectLabel } from './checks';

/** A Kubernetes name; anything else (from a hostile manifest) is never pasted into YAML. */
const SAFE_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

function safe(value: string | undefined): string | undefined {
  return value !== undefined && SAFE_NAME.test(value) ? value : undefined;
}

export interface FilledPatch {
  /** what the patch is for, e.g. "Deployment shop/ops-console, container web" */
  label: string;
  patch: string;
}

/** Placeholders the check catalog's patches use, filled from the failing result. */
function fill(patch: string, values: Record<string, string | undefined>): string {
  return patch.replace(/<(name|namespace|container|statefulset)>/g, (whole, key: string) => values[key] ?? whole);
}

/**
 * The catalog's patch with `<name>`, `<namespace>`, `<container>` and
 * `<statefulset>` replaced by the real names of each failing workload (one
 * patch per failing container when the patch names a container). A name that
 * is not a valid Kubernetes name keeps its placeholder. At most `limit`
 * patches, so a check failing on many workloads stays readable.
 */
export function fillPatches(patch: string, results: CheckResult[], limit = 5): FilledPatch[] {
  const out: FilledPatch[] = [];
  // a patch without placeholders reads the same for every workload: shown once, as it is
  if (!/<(name|namespace|container|statefulset)>/.test(patch)) return out;
  const seen = new Set<string>();
  const usesContainer = patch.includes('<container>');
  for (const r of results) {
    if (r.status !== 'fail') continue;
    const base = {
      name: safe(r.subject.name),
      namespace: safe(r.subject.namespace),
      statefulset: r.subject.kind === 'StatefulSet' ? safe(r.subject.name) : undefined,
    };
    const containers = usesContainer
      ? [...new Set(r.evidence.map(e => e.container).filter((c): c is string => !!c))]
      : [];
    const variants = containers.length > 0 ? containers : [undefined];
    for (const container of variants) {
      const filled = fill(patch, { ...base, container: safe(container) });
      const label = `${objectLabel(r.subject)}${container ? `, container ${container}` : ''}${r.cluster ? ` (${r.cluster})` : ''}`;
      const key = `${label}\u0000${filled}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ label, patch: filled });
      if (out.length >= limit) return out;
    }
  }
  return out;
}
