import { Evidence } from '@posture-dev/backstage-plugin-posture-common';
import { defineCheck, notApplicable, pass } from '../../engine/check';
import {
  containerScPath,
  containerSecurityContext,
  inUserNamespace,
  isSet,
  podScPath,
  podSecurityContext,
  pssContainers,
  setters,
  show,
  verdict,
} from '../lib/pss';

/** Only UID 0 is forbidden; a value that is not a number could not come from the API and fails closed. */
function bad(v: unknown): boolean {
  return isSet(v) && (v === 0 || typeof v !== 'number');
}

export default defineCheck({
  meta: {
    id: 'pss-run-as-user',
    title: 'Does not set runAsUser to root (0)',
    pillar: 'security',
    category: 'Pod Security Standards',
    severity: 'high',
    pssLevel: 'restricted',
    rationale:
      'runAsUser: 0 explicitly runs the container as root, overriding the image and defeating runAsNonRoot.',
    remediation: {
      text: 'Set runAsUser to a non-zero UID (or leave it unset and rely on a non-root image USER with runAsNonRoot: true).',
      patch: 'spec:\n  template:\n    spec:\n      securityContext:\n        runAsUser: 10001\n',
    },
    references: {
      pss: ['runAsUser'],
      cis: ['5.2.7'],
    },
    defaults:
      'Unset is allowed (the image decides, and pss-run-as-non-root guards that), so leaving it out passes. Since policy 1.35 a pod with spec.hostUsers: false is exempt.',
  },
  target: 'workload',
  evaluate(w) {
    const containers = pssContainers(w);
    if (containers.length === 0) return notApplicable('No containers');
    if (inUserNamespace(w)) {
      return pass('The pod runs in a user namespace (hostUsers: false), so UID 0 in it is not root on the node', [
        { path: `${w.podSpecPath}.hostUsers`, value: 'false' },
      ]);
    }
    const violations: Evidence[] = [];
    const podValue = podSecurityContext(w)?.runAsUser;
    if (bad(podValue)) violations.push({ path: `${podScPath(w)}.runAsUser`, value: show(podValue) });
    for (const c of containers) {
      const v = containerSecurityContext(c)?.runAsUser;
      if (bad(v)) violations.push({ path: `${containerScPath(c)}.runAsUser`, container: c.name, value: show(v) });
    }
    return verdict(violations, 'No container is set to run as UID 0', v => `${setters(v)} must not set runAsUser=0`);
  },
  fixtures: [
    {
      name: 'non-zero and unset pass',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext: {runAsUser: 1000}
  containers:
    - {name: a, image: x:1}
    - {name: b, image: x:1, securityContext: {runAsUser: 2000}}`,
    },
    {
      name: 'pod-level 0 fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext: {runAsUser: 0, runAsNonRoot: true}
  containers: [{name: a, image: x:1}]`,
    },
    {
      name: 'an init container with 0 fails',
      expect: 'fail',
      yaml: `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: s}
spec:
  serviceName: s
  selector: {matchLabels: {app: s}}
  template:
    metadata: {labels: {app: s}}
    spec:
      initContainers: [{name: fix-perms, image: busybox:1, securityContext: {runAsUser: 0}}]
      containers: [{name: a, image: x:1}]`,
    },
    {
      name: 'the string "0" fails closed',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: x:1, securityContext: {runAsUser: "0"}}]`,
    },
    {
      name: 'a user-namespace pod passes',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  hostUsers: false
  securityContext: {runAsUser: 0}
  containers: [{name: a, image: x:1}]`,
    },
  ],
});
