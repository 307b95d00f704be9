import { Evidence } from '@posture-dev/backstage-plugin-posture-common';
import { defineCheck, notApplicable } from '../../engine/check';
import {
  badSeccompProfiles,
  containerScPath,
  containerSecurityContext,
  isSet,
  isWindows,
  podScPath,
  podSecurityContext,
  pssContainers,
  setters,
  validSeccomp,
  verdict,
} from '../lib/pss';

export default defineCheck({
  meta: {
    id: 'pss-seccomp-profile-restricted',
    title: 'Sets a RuntimeDefault or Localhost seccomp profile',
    pillar: 'security',
    category: 'Pod Security Standards',
    severity: 'medium',
    pssLevel: 'restricted',
    rationale:
      'Without an explicit profile the kubelet runs containers Unconfined (unless the node opts into a default), so every system call is reachable; RuntimeDefault blocks the ones container escapes rely on.',
    remediation: {
      text: 'Set spec.securityContext.seccompProfile.type to RuntimeDefault (or Localhost), or set it on every container.',
      patch:
        'spec:\n  template:\n    spec:\n      securityContext:\n        seccompProfile:\n          type: RuntimeDefault\n',
    },
    references: {
      pss: ['seccompProfile_restricted'],
      cis: ['5.7.2'],
    },
    defaults:
      'The API server does not default seccompProfile, so an unset profile fails in manifests and live objects alike. Windows pods (spec.os.name: windows) are exempt, as upstream since policy 1.25.',
  },
  target: 'workload',
  evaluate(w) {
    if (isWindows(w)) return notApplicable('Windows pods cannot set a seccomp profile');
    const containers = pssContainers(w);
    const violations: Evidence[] = badSeccompProfiles(w);
    const podProfile = podSecurityContext(w)?.seccompProfile;
    // a container may leave it unset only when the pod sets a valid one
    if (!(isSet(podProfile) && validSeccomp(podProfile))) {
      for (const c of containers) {
        if (isSet(containerSecurityContext(c)?.seccompProfile)) continue;
        violations.push({
          path: `${containerScPath(c)}.seccompProfile.type`,
          container: c.name,
          value: '(unset)',
          detail: `neither the container nor ${podScPath(w)}.seccompProfile sets a profile`,
        });
      }
    }
    if (containers.length === 0 && violations.length === 0) return notApplicable('No containers');
    return verdict(
      violations,
      'Every container runs with a RuntimeDefault or Localhost seccomp profile',
      v => `${setters(v)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
    );
  },
  fixtures: [
    {
      name: 'pod-level RuntimeDefault passes',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext: {seccompProfile: {type: RuntimeDefault}}
  containers: [{name: a, image: x:1}]`,
    },
    {
      name: 'every container setting its own profile passes',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  initContainers: [{name: i, image: x:1, securityContext: {seccompProfile: {type: Localhost, localhostProfile: p.json}}}]
  containers: [{name: a, image: x:1, securityContext: {seccompProfile: {type: RuntimeDefault}}}]`,
    },
    {
      name: 'unset everywhere fails',
      expect: 'fail',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  selector: {matchLabels: {app: d}}
  template:
    metadata: {labels: {app: d}}
    spec:
      containers: [{name: a, image: x:1}]`,
    },
    {
      name: 'one container left unset without a pod profile fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  initContainers: [{name: i, image: x:1}]
  containers: [{name: a, image: x:1, securityContext: {seccompProfile: {type: RuntimeDefault}}}]`,
    },
    {
      name: 'a container overriding the pod with Unconfined fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext: {seccompProfile: {type: RuntimeDefault}}
  containers: [{name: a, image: x:1, securityContext: {seccompProfile: {type: Unconfined}}}]`,
    },
    {
      name: 'Windows pods are exempt',
      expect: 'not-applicable',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  os: {name: windows}
  containers: [{name: a, image: x:1}]`,
    },
  ],
});
