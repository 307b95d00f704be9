import { CheckMetadata, CheckStatus, Evidence, ObjectRef } from '@posture-dev/backstage-plugin-posture-common';
import { K8sObject } from './k8s';
import { EngineConfig } from './config';
import { SnapshotIndex } from './snapshotIndex';
import { Workload } from './workloads';

/** What a check returns for one subject; the engine adds severity, exemptions and origin. */
export interface Outcome {
  status: Exclude<CheckStatus, 'exempt'>;
  message: string;
  evidence?: Evidence[];
  /** report on this object instead of the one the check was given (rare) */
  subject?: ObjectRef;
}

export interface CheckContext {
  index: SnapshotIndex;
  config: EngineConfig;
  /** `manifest`: fields the API server would default are absent; `live`: they are filled in */
  mode: 'live' | 'manifest';
}

/** Inline test data that lives in the check file and is run by the catalog test. */
export interface CheckFixture {
  name: string;
  /** one or more YAML documents; the first document (or `subject`) is the one judged */
  yaml: string;
  /** kind/name of the subject to assert on, when the first document is not it */
  subject?: string;
  expect: CheckStatus;
  mode?: 'live' | 'manifest';
  /** engine config for this fixture */
  config?: Record<string, unknown>;
  /**
   * Upstream rules whose verdict this fixture shows, as `<tool>:<id>` with a tool key of `meta.references`
   * (e.g. `kubeScore:pod-probes`): the upstream tool gives this object the same verdict as `expect`. Every
   * kube-score, Polaris and kubescape reference of a check needs a pass and a fail fixture (references.test.ts).
   */
  upstream?: string[];
}

interface BaseCheck {
  meta: CheckMetadata;
  fixtures: CheckFixture[];
}

/** Runs once per top-level workload (a Pod not owned by a controller, a Deployment, a CronJob…). */
export interface WorkloadCheck extends BaseCheck {
  target: 'workload';
  /** restrict to some workload kinds; default all */
  kinds?: string[];
  evaluate(w: Workload, ctx: CheckContext): Outcome | Outcome[];
}

/** Runs once per object of the given kinds. */
export interface ObjectCheck extends BaseCheck {
  target: 'object';
  kinds: string[];
  evaluate(o: K8sObject, ctx: CheckContext): Outcome | Outcome[];
}

export type Check = WorkloadCheck | ObjectCheck;

/** Identity helper that gives check files full type inference. */
export function defineCheck<C extends Check>(check: C): C {
  return check;
}

export const pass = (message: string, evidence?: Evidence[]): Outcome => ({
  status: 'pass',
  message,
  evidence,
});
export const fail = (message: string, evidence?: Evidence[]): Outcome => ({
  status: 'fail',
  message,
  evidence,
});
export const notApplicable = (message: string): Outcome => ({
  status: 'not-applicable',
  message,
});
