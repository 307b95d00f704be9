import { defineCheck } from '../../engine/check';
import { badSeccompProfiles, setters, verdict } from '../lib/pss';

export default defineCheck({
  meta: {
    id: 'pss-seccomp-profile-baseline',
    title: 'Does not disable seccomp',
    pillar: 'security',
    category: 'Pod Security Standards',
    severity: 'high',
    pssLevel: 'baseline',
    rationale:
      'A seccomp profile of Unconfined lets the container make every system call, including the rarely needed ones behind most kernel container escapes.',
    remediation: {
      text: 'Set seccompProfile.type to RuntimeDefault (or Localhost with a profile) wherever a seccompProfile is given; never Unconfined.',
      patch:
        'spec:\n  template:\n    spec:\n      securityContext:\n        seccompProfile:\n          type: RuntimeDefault\n',
    },
    references: {
      pss: ['seccompProfile_baseline'],
    },
    defaults:
      'Baseline allows an unset profile, so leaving it out passes in manifests and live objects alike (restricted requires it: pss-seccomp-profile-restricted).',
  },
  target: 'workload',
  evaluate(w) {
    return verdict(
      badSeccompProfiles(w),
      'No seccomp profile is set to anything but RuntimeDefault or Localhost',
      v =>
        `${setters(v)} must not set securityContext.seccompProfile.type to ${[...new Set(v.map(e => `"${e.value}"`))].join(', ')}`,
    );
  },
  fixtures: [
    {
      name: 'unset and RuntimeDefault pass',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - {name: a, image: x:1}
    - {name: b, image: x:1, securityContext: {seccompProfile: {type: RuntimeDefault}}}`,
    },
    {
      name: 'Unconfined at pod level fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext: {seccompProfile: {type: Unconfined}}
  containers: [{name: a, image: x:1}]`,
    },
    {
      name: 'Unconfined on an init container fails',
      expect: 'fail',
      yaml: `apiVersion: batch/v1
kind: Job
metadata: {name: j}
spec:
  template:
    spec:
      restartPolicy: Never
      initContainers: [{name: i, image: x:1, securityContext: {seccompProfile: {type: Unconfined}}}]
      containers: [{name: a, image: x:1}]`,
    },
    {
      name: 'a profile without a type fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: x:1, securityContext: {seccompProfile: {}}}]`,
    },
  ],
});
