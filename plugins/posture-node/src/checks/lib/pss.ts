import { Evidence } from '@posture-dev/backstage-plugin-posture-common';
import { Outcome, fail, pass } from '../../engine/check';
import { obj } from '../../engine/k8s';
import { ContainerEntry, Workload, containersOf, isWindowsPod } from '../../engine/workloads';
import { show } from './show';

// the PSS checks take every helper from here
export { show };

/**
 * Helpers shared by the Pod Security Standards checks in `checks/pss`. They
 * mirror pod-security-admission's policy package (Kubernetes 1.37): every
 * check visits init, regular and ephemeral containers, and reads the pod and
 * container security contexts separately, because PSA judges each setter on
 * its own (a container value never inherits from the pod unless the check
 * says so).
 */

/**
 * Upstream `OverrideCheckIDs`: when a namespace enforces `restricted`, each of
 * these restricted checks replaces the weaker baseline check(s) listed, so the
 * baseline check is not evaluated at that level.
 */
export const PSS_RESTRICTED_OVERRIDES: Readonly<Record<string, readonly string[]>> = {
  restrictedVolumes: ['hostPathVolumes'],
  seccompProfile_restricted: ['seccompProfile_baseline'],
  capabilities_restricted: ['capabilities_baseline'],
  procMount_restricted: ['procMount'],
};

/** All containers PSA visits, in upstream order: init, regular, ephemeral. */
export function pssContainers(w: Workload): ContainerEntry[] {
  return containersOf(w, ['initContainers', 'containers', 'ephemeralContainers']);
}

export function podSecurityContext(w: Workload): Record<string, any> | undefined {
  return obj(w.podSpec.securityContext);
}

export function containerSecurityContext(c: ContainerEntry): Record<string, any> | undefined {
  return obj(c.container.securityContext);
}

/** Field path of the pod-level security context, e.g. `spec.template.spec.securityContext`. */
export function podScPath(w: Workload): string {
  return `${w.podSpecPath}.securityContext`;
}

/** Field path of a container's security context. */
export function containerScPath(c: ContainerEntry): string {
  return `${c.path}.securityContext`;
}

/** `null` is how YAML writes "absent"; both mean the API's nil pointer. */
export function isSet(v: unknown): boolean {
  return v !== undefined && v !== null;
}

/**
 * A boolean that PSA forbids to be true. A non-boolean value cannot come from
 * the API (it would fail decoding), so in a manifest it fails closed rather
 * than being read as "off".
 */
export function forbiddenFlag(v: unknown): boolean {
  return isSet(v) && v !== false;
}

/** Detail for a value the API server would reject as the wrong type. */
export function typeDetail(v: unknown, expected: string): string | undefined {
  return isSet(v) && typeof v !== expected ? `not a ${expected}: the API server would reject it` : undefined;
}

/**
 * PSA 1.35+ relaxes runAsNonRoot, runAsUser and the baseline procMount check
 * for pods in a user namespace: only an explicit `hostUsers: false` counts.
 */
export function inUserNamespace(w: Workload): boolean {
  return w.podSpec.hostUsers === false;
}

/** PSA 1.25+ exempts Windows pods from some restricted checks (the fields cannot be set there). */
export const isWindows = isWindowsPod;

/** Upstream-style list of who set a bad value: `pod and containers "a", "b"`. */
export function setters(evidence: Evidence[]): string {
  const parts: string[] = [];
  if (evidence.some(e => e.container === undefined)) parts.push('pod');
  const names = [...new Set(evidence.filter(e => e.container !== undefined).map(e => e.container!))];
  if (names.length > 0) {
    parts.push(`${names.length === 1 ? 'container' : 'containers'} ${names.map(n => `"${n}"`).join(', ')}`);
  }
  return parts.join(' and ') || 'pod';
}

/** Pass when nothing was found, otherwise one failure that carries every violation. */
export function verdict(violations: Evidence[], passMessage: string, failMessage: (v: Evidence[]) => string): Outcome {
  return violations.length === 0 ? pass(passMessage) : fail(failMessage(violations), violations);
}

/** Containers whose procMount is set to anything but `Default` (unset is the default). */
export function procMountViolations(w: Workload): Evidence[] {
  const out: Evidence[] = [];
  for (const c of pssContainers(w)) {
    const v = containerSecurityContext(c)?.procMount;
    if (!isSet(v) || v === 'Default') continue;
    out.push({ path: `${containerScPath(c)}.procMount`, container: c.name, value: show(v) });
  }
  return out;
}

const ALLOWED_SECCOMP_TYPES = new Set(['RuntimeDefault', 'Localhost']);

/** Whether a seccompProfile object has a type PSA allows. */
export function validSeccomp(profile: unknown): boolean {
  return ALLOWED_SECCOMP_TYPES.has(obj(profile)?.type);
}

/**
 * Every seccompProfile that is set to something other than RuntimeDefault or
 * Localhost, at pod and container level. Unset profiles are not reported.
 */
export function badSeccompProfiles(w: Workload): Evidence[] {
  const out: Evidence[] = [];
  const pod = podSecurityContext(w)?.seccompProfile;
  if (isSet(pod) && !validSeccomp(pod)) {
    out.push({ path: `${podScPath(w)}.seccompProfile.type`, value: show(obj(pod)?.type) });
  }
  for (const c of pssContainers(w)) {
    const p = containerSecurityContext(c)?.seccompProfile;
    if (isSet(p) && !validSeccomp(p)) {
      out.push({ path: `${containerScPath(c)}.seccompProfile.type`, container: c.name, value: show(obj(p)?.type) });
    }
  }
  return out;
}
