export { startKubeApiTestServer } from './server';
export type {
  KubeApiTestServer,
  KubeApiTestServerOptions,
  KubeConfigOptionsLike,
} from './server';
export type {
  FaultSpec,
  FaultMatch,
  FaultAction,
  RequestTarget,
  RequestVerb,
} from './faults';
export { FaultSet } from './faults';
export { RequestStats } from './stats';
export type { RequestLogEntry, RequestFilter } from './stats';
export {
  BUILTIN_RESOURCES,
  OPTIONAL_RESOURCES,
  ResourceRegistry,
  groupVersionOf,
  resourceKeyOf,
} from './resources';
export type { ResourceType } from './resources';
export {
  applyServerDefaults,
  applySpecDefaults,
  applyMetadataDefaults,
  defaultPodSpec,
  defaultImagePullPolicy,
  k8sTimestamp,
} from './defaults';
export {
  parseLabelSelector,
  matchesLabelRequirements,
  parseFieldSelector,
  compileFieldSelector,
  SelectorParseError,
} from './selectors';
export type { LabelRequirement, FieldRequirement } from './selectors';
export { statusBody, REASON_FOR_CODE } from './status';
export type { StatusBody, StatusDetails } from './status';
export { encodeContinue, decodeContinue } from './continueToken';
export {
  ClusterStore,
  flattenObjects,
  parseYamlObjects,
  loadObjectsFromDir,
  UnknownKindError,
} from './store';
export type { KubeObject } from './store';
export { DEFAULT_VERSION } from './api';
export type { VersionInfo } from './api';
