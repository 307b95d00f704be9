import { ObjectRef } from '@posture-dev/backstage-plugin-posture-common';

/**
 * A Kubernetes object as it comes from YAML or the API. Nothing about its
 * shape is trusted: checks read it through the helpers below, which tolerate
 * wrong types and missing fields.
 */
export interface K8sObject {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: any;
  spec?: any;
  [key: string]: any;
}

/** Where an object came from, for manifests. */
export interface ObjectOrigin {
  file?: string;
  documentIndex?: number;
}

export type SourceMode = 'live' | 'manifest';

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** A finite number; numeric strings from a manifest are not accepted. */
export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function obj(v: unknown): Record<string, any> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
    ? (v as Record<string, any>)
    : undefined;
}

export function arr(v: unknown): any[] {
  return Array.isArray(v) ? v : [];
}

export function kindOf(o: K8sObject): string {
  return str(o.kind) ?? '';
}

export function nameOf(o: K8sObject): string {
  return str(obj(o.metadata)?.name) ?? '';
}

/** Namespace as written; manifests often leave it out. */
export function namespaceOf(o: K8sObject, fallback = 'default'): string {
  return str(obj(o.metadata)?.namespace) || fallback;
}

export function labelsOf(o: K8sObject | undefined): Record<string, string> {
  return stringMap(obj(o?.metadata)?.labels);
}

export function annotationsOf(o: K8sObject | undefined): Record<string, string> {
  return stringMap(obj(o?.metadata)?.annotations);
}

export function stringMap(v: unknown): Record<string, string> {
  const m = obj(v);
  if (!m) return {};
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(m)) {
    if (typeof val === 'string') out[k] = val;
    else if (typeof val === 'number' || typeof val === 'boolean')
      out[k] = String(val);
  }
  return out;
}

/** Kinds that are cluster-scoped and so never get a namespace. */
export const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'Node',
  'PersistentVolume',
  'StorageClass',
  'CustomResourceDefinition',
  'PriorityClass',
  'IngressClass',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'ClusterPolicyReport',
]);

export function refOf(o: K8sObject): ObjectRef {
  const kind = kindOf(o);
  const ref: ObjectRef = {
    apiVersion: str(o.apiVersion) ?? '',
    kind,
    name: nameOf(o),
  };
  if (!CLUSTER_SCOPED.has(kind)) ref.namespace = namespaceOf(o);
  return ref;
}

/** A stable key for an object within one snapshot. */
export function keyOf(o: K8sObject): string {
  const kind = kindOf(o);
  return CLUSTER_SCOPED.has(kind)
    ? `${kind}//${nameOf(o)}`
    : `${kind}/${namespaceOf(o)}/${nameOf(o)}`;
}

export function refKey(ref: ObjectRef): string {
  return `${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

/** API group of an apiVersion: `apps/v1` → `apps`, `v1` → `` */
export function groupOf(o: K8sObject): string {
  const v = str(o.apiVersion) ?? '';
  const i = v.indexOf('/');
  return i < 0 ? '' : v.slice(0, i);
}
