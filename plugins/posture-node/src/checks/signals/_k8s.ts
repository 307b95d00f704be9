// Re-exports for the signal checks (the `_` prefix keeps it out of the catalog).
export { arr, keyOf, kindOf, labelsOf, annotationsOf, nameOf, namespaceOf, num, obj, refOf, str } from '../../engine/k8s';
export type { K8sObject } from '../../engine/k8s';
