import { Evidence } from '@posture-dev/backstage-plugin-posture-common';
import { defineCheck } from '../../engine/check';
import { obj } from '../../engine/k8s';
import {
  containerScPath,
  containerSecurityContext,
  isSet,
  podScPath,
  podSecurityContext,
  pssContainers,
  setters,
  show,
  verdict,
} from '../lib/pss';

/** The deprecated beta annotation; PSA still judges it next to the field. */
const ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';
const ALLOWED_TYPES = new Set(['RuntimeDefault', 'Localhost']);

function allowedAnnotationValue(v: unknown): boolean {
  return typeof v === 'string' && (v === '' || v === 'runtime/default' || v.startsWith('localhost/'));
}

export default defineCheck({
  meta: {
    id: 'pss-apparmor-profile',
    title: 'Does not disable AppArmor',
    pillar: 'security',
    category: 'Pod Security Standards',
    severity: 'high',
    pssLevel: 'baseline',
    rationale:
      "The runtime's default AppArmor profile blocks writes to /proc and /sys and mounting filesystems; running Unconfined removes that layer of defence against a container escape.",
    remediation: {
      text: 'Leave the AppArmor profile unset, or set securityContext.appArmorProfile.type to RuntimeDefault or Localhost; remove container.apparmor.security.beta.kubernetes.io annotations set to unconfined.',
      patch:
        'spec:\n  template:\n    spec:\n      securityContext:\n        appArmorProfile:\n          type: RuntimeDefault\n',
    },
    references: {
      pss: ['appArmorProfile'],
    },
    defaults:
      'An unset profile means the runtime default on AppArmor hosts, so leaving it out passes in manifests and live objects alike.',
  },
  target: 'workload',
  evaluate(w) {
    const violations: Evidence[] = [];
    const profileType = (sc: Record<string, any> | undefined) => obj(sc?.appArmorProfile)?.type;
    const pod = podSecurityContext(w);
    if (isSet(pod?.appArmorProfile) && !ALLOWED_TYPES.has(profileType(pod))) {
      violations.push({ path: `${podScPath(w)}.appArmorProfile.type`, value: show(profileType(pod)) });
    }
    for (const c of pssContainers(w)) {
      const sc = containerSecurityContext(c);
      if (isSet(sc?.appArmorProfile) && !ALLOWED_TYPES.has(profileType(sc))) {
        violations.push({
          path: `${containerScPath(c)}.appArmorProfile.type`,
          container: c.name,
          value: show(profileType(sc)),
        });
      }
    }
    const annotations = obj(w.podMeta.annotations) ?? {};
    for (const [key, value] of Object.entries(annotations)) {
      if (key.startsWith(ANNOTATION_PREFIX) && !allowedAnnotationValue(value)) {
        violations.push({ path: `${w.podMetaPath}.annotations['${key}']`, value: show(value) });
      }
    }
    return verdict(
      violations,
      'No AppArmor profile is disabled or overridden',
      v => `Forbidden AppArmor ${v.length === 1 ? 'profile' : 'profiles'} set by ${setters(v)}: ${v.map(e => e.value).join(', ')}`,
    );
  },
  fixtures: [
    {
      name: 'RuntimeDefault field and localhost annotation pass',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata:
  name: p
  annotations: {container.apparmor.security.beta.kubernetes.io/a: localhost/custom}
spec:
  securityContext: {appArmorProfile: {type: RuntimeDefault}}
  containers: [{name: a, image: x:1, securityContext: {appArmorProfile: {type: Localhost, localhostProfile: custom}}}]`,
    },
    {
      name: 'unconfined annotation on a Deployment template fails',
      expect: 'fail',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  selector: {matchLabels: {app: d}}
  template:
    metadata:
      labels: {app: d}
      annotations: {container.apparmor.security.beta.kubernetes.io/a: unconfined}
    spec:
      containers: [{name: a, image: x:1}]`,
    },
    {
      name: 'Unconfined field on a container fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: x:1, securityContext: {appArmorProfile: {type: Unconfined}}}]`,
    },
    {
      name: 'a profile without a type fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext: {appArmorProfile: {}}
  containers: [{name: a, image: x:1}]`,
    },
    {
      name: 'unrelated annotations are ignored',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata:
  name: p
  annotations: {seccomp.security.alpha.kubernetes.io/pod: unconfined, apparmor: unconfined}
spec:
  containers: [{name: a, image: x:1}]`,
    },
  ],
});
