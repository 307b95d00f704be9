/**
 * The Posture engine: a pure function from Kubernetes objects to check
 * results and scores, the built-in check catalog, and the extension point
 * through which modules add checks.
 *
 * @packageDocumentation
 */
export * from './engine/check';
export * from './engine/config';
export * from './engine/engine';
export * from './engine/exemptions';
export * from './engine/k8s';
export * from './engine/manifests';
export * from './engine/yamlDocuments';
export * from './reader/manifestReader';
export * from './reader/decode';
export * from './engine/selectors';
export * from './engine/services';
export * from './engine/snapshotIndex';
export * from './engine/workloads';
export * from './engine/relations';
export { builtInChecks, findCheck } from './checks/catalog';
export * from './scan';
export * from './extensions';
export * from './cli';
export * from './engine/usage';
