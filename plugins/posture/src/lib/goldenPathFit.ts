import { CheckResult } from '@posture-dev/backstage-plugin-posture-common';
import { GoldenPathTemplate } from './guarantees';

/** Tags that name a language or runtime; a template and a service that both name some must share one. */
const LANGUAGE_TAGS = new Set([
  'nodejs', 'node', 'typescript', 'javascript', 'java', 'kotlin', 'scala', 'go', 'golang', 'python', 'ruby',
  'rust', 'dotnet', 'csharp', 'php', 'elixir',
]);

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob', 'Job', 'ReplicaSet', 'Pod']);

export interface ServiceTraits {
  /** the entity's `spec.type` */
  type?: string;
  tags: string[];
  /** the kinds of the workloads its results are about */
  workloadKinds: Set<string>;
}

export function serviceTraits(entity: { spec?: Record<string, unknown>; metadata: { tags?: string[] } }, results: CheckResult[]): ServiceTraits {
  const workloadKinds = new Set<string>();
  for (const r of results) if (WORKLOAD_KINDS.has(r.subject.kind)) workloadKinds.add(r.subject.kind);
  return {
    type: typeof entity.spec?.type === 'string' ? entity.spec.type : undefined,
    tags: (entity.metadata.tags ?? []).map(t => String(t).toLowerCase()),
    workloadKinds,
  };
}

/** The workload kind a template renders: StatefulSet when tagged so, else a Deployment. */
function templateWorkloadKind(t: GoldenPathTemplate): string {
  return (t.tags ?? []).some(x => x.toLowerCase() === 'statefulset') ? 'StatefulSet' : 'Deployment';
}

/**
 * Whether a golden path fits a service: the same `spec.type` when both have
 * one, a language in common when both name one, and a workload of the kind
 * the template renders. A template that is not known to fit is left out.
 */
export function fitsService(t: GoldenPathTemplate, s: ServiceTraits): boolean {
  if (t.type && s.type && t.type !== s.type) return false;
  const tLangs = (t.tags ?? []).map(x => x.toLowerCase()).filter(x => LANGUAGE_TAGS.has(x));
  const sLangs = s.tags.filter(x => LANGUAGE_TAGS.has(x));
  if (tLangs.length > 0 && sLangs.length > 0 && !tLangs.some(x => sLangs.includes(x))) return false;
  if (s.workloadKinds.size === 0) return false;
  return s.workloadKinds.has(templateWorkloadKind(t));
}
