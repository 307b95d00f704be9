import { ObjectRef } from '@posture-dev/backstage-plugin-posture-common';
import { K8sObject, arr, kindOf, labelsOf, namespaceOf, obj, refOf, str, keyOf } from './k8s';
import { LabelSelector, mapSelector, parseLabelSelector } from './selectors';

/** Where each workload kind keeps its pod template. */
const POD_SPEC_PATHS: Record<string, string[]> = {
  Pod: [],
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
  Rollout: ['spec', 'template'],
};

export const WORKLOAD_KINDS = new Set(Object.keys(POD_SPEC_PATHS));

/** Kinds that keep a replica count (and so can scale horizontally). */
export const SCALABLE_KINDS = new Set([
  'Deployment',
  'StatefulSet',
  'ReplicaSet',
  'ReplicationController',
  'Rollout',
]);

export type ContainerType = 'containers' | 'initContainers' | 'ephemeralContainers';

export interface ContainerEntry {
  container: Record<string, any>;
  name: string;
  type: ContainerType;
  index: number;
  /** e.g. `spec.template.spec.containers[1]` */
  path: string;
}

export interface Workload {
  object: K8sObject;
  key: string;
  ref: ObjectRef;
  kind: string;
  namespace: string;
  name: string;
  /** the pod template's metadata (or the Pod's own) */
  podMeta: Record<string, any>;
  /** the pod spec; `{}` when absent or malformed */
  podSpec: Record<string, any>;
  /** e.g. `spec.template.spec`, or `spec` for a Pod */
  podSpecPath: string;
  /** e.g. `spec.template.metadata` */
  podMetaPath: string;
  podLabels: Record<string, string>;
  /** the workload's own pod selector, when it has one */
  selector?: LabelSelector;
  /** spec.replicas as written; undefined when absent */
  replicas?: number;
}

export function isWorkload(o: K8sObject): boolean {
  if (!WORKLOAD_KINDS.has(kindOf(o))) return false;
  // `Rollout` is only Argo's
  if (kindOf(o) === 'Rollout') return String(o.apiVersion ?? '').startsWith('argoproj.io/');
  return true;
}

/**
 * Owned by another workload: its controller is scored instead. With `present`,
 * only a controller that is itself in the input counts: a Pod that names an
 * absent controller would otherwise be judged by nobody.
 */
export function isControlled(o: K8sObject, present?: (kind: string, namespace: string, name: string) => boolean): boolean {
  return arr(obj(o.metadata)?.ownerReferences).some(r => {
    const ref = obj(r);
    if (ref?.controller !== true || !WORKLOAD_KINDS.has(String(ref.kind))) return false;
    return !present || (typeof ref.name === 'string' && present(String(ref.kind), namespaceOf(o), ref.name));
  });
}

export function toWorkload(o: K8sObject): Workload {
  const kind = kindOf(o);
  const segs = POD_SPEC_PATHS[kind] ?? [];
  let tmpl: any = o;
  for (const s of segs) tmpl = obj(tmpl)?.[s];
  const base = segs.join('.');
  const podMeta = obj(obj(tmpl)?.metadata) ?? {};
  const podSpec = obj(obj(tmpl)?.spec) ?? {};
  const ref = refOf(o);
  let selector: LabelSelector | undefined;
  try {
    selector =
      kind === 'ReplicationController'
        ? mapSelector(o.spec?.selector)
        : parseLabelSelector(obj(o.spec)?.selector);
  } catch {
    selector = undefined;
  }
  const r = obj(o.spec)?.replicas;
  return {
    object: o,
    key: keyOf(o),
    ref,
    kind,
    namespace: ref.namespace ?? 'default',
    name: ref.name,
    podMeta,
    podSpec,
    podSpecPath: base ? `${base}.spec` : 'spec',
    podMetaPath: base ? `${base}.metadata` : 'metadata',
    podLabels: kind === 'Pod' ? labelsOf(o) : labelsOf({ metadata: podMeta }),
    selector,
    replicas: typeof r === 'number' ? r : undefined,
  };
}

/** Every container of the pod spec, with its exact field path. */
export function containersOf(
  w: Workload,
  types: ContainerType[] = ['containers', 'initContainers', 'ephemeralContainers'],
): ContainerEntry[] {
  const out: ContainerEntry[] = [];
  for (const type of types) {
    arr(w.podSpec[type]).forEach((c, index) => {
      const container = obj(c);
      if (!container) return;
      out.push({
        container,
        name: str(container.name) ?? `#${index}`,
        type,
        index,
        path: `${w.podSpecPath}.${type}[${index}]`,
      });
    });
  }
  return out;
}

/** The regular (long-running) containers only. */
export function appContainersOf(w: Workload): ContainerEntry[] {
  return containersOf(w, ['containers']);
}

/** Init containers with `restartPolicy: Always` run for the pod's lifetime. */
export function sidecarsOf(w: Workload): ContainerEntry[] {
  return containersOf(w, ['initContainers']).filter(
    c => c.container.restartPolicy === 'Always',
  );
}

export function isWindowsPod(w: Workload): boolean {
  return obj(w.podSpec.os)?.name === 'windows';
}
