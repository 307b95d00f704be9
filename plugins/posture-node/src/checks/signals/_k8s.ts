// Re-exports for the signal checks (the `_` prefix keeps it out of the catalog).
export { arr, keyOf, kindOf, labelsOf, annotationsOf, nameOf, namespaceOf, obj, refOf, str } from '../../engine/k8s';
export type { K8sObject } from '../../engine/k8s';

/** A finite number; numeric strings from a manifest are not accepted. */
export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
