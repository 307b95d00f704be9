import { defineCheck, notApplicable, pass } from '../../engine/check';
import { inUserNamespace, procMountViolations, pssContainers, setters, verdict } from '../lib/pss';

export default defineCheck({
  meta: {
    id: 'pss-proc-mount',
    title: 'Keeps the default /proc masks (outside a user namespace)',
    pillar: 'security',
    category: 'Pod Security Standards',
    severity: 'high',
    pssLevel: 'baseline',
    rationale:
      'The default procMount masks and read-only mounts parts of /proc that leak host information or allow kernel tuning; an Unmasked /proc in the host user namespace exposes them to the container.',
    remediation: {
      text: 'Remove securityContext.procMount (or set it to Default). If the workload needs an unmasked /proc, run it in a user namespace with spec.hostUsers: false.',
      patch:
        'spec:\n  template:\n    spec:\n      containers:\n        - name: <container>\n          securityContext:\n            procMount: Default\n',
    },
    references: {
      pss: ['procMount'],
    },
    defaults:
      'procMount defaults to Default, so leaving it out passes. Since policy 1.35 a pod with spec.hostUsers: false (explicitly) may use any procMount at baseline; restricted still forbids it (pss-proc-mount-restricted).',
  },
  target: 'workload',
  evaluate(w) {
    if (pssContainers(w).length === 0) return notApplicable('No containers');
    if (inUserNamespace(w)) {
      return pass('The pod runs in a user namespace (hostUsers: false), so baseline allows any procMount', [
        { path: `${w.podSpecPath}.hostUsers`, value: 'false' },
      ]);
    }
    return verdict(
      procMountViolations(w),
      'Every container keeps the default /proc mount',
      v => `${setters(v)} must not set securityContext.procMount to ${[...new Set(v.map(e => `"${e.value}"`))].join(', ')}`,
    );
  },
  fixtures: [
    {
      name: 'Default passes',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: x:1, securityContext: {procMount: Default}}]`,
    },
    {
      name: 'Unmasked in the host user namespace fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  hostUsers: true
  containers: [{name: a, image: x:1, securityContext: {procMount: Unmasked}}]`,
    },
    {
      name: 'Unmasked with hostUsers unset fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  initContainers: [{name: i, image: x:1, securityContext: {procMount: Unmasked}}]
  containers: [{name: a, image: x:1}]`,
    },
    {
      name: 'Unmasked in a user namespace passes at baseline',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  hostUsers: false
  containers: [{name: a, image: x:1, securityContext: {procMount: Unmasked}}]`,
    },
    {
      name: 'hostUsers as a string is not a user namespace',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  hostUsers: "false"
  containers: [{name: a, image: x:1, securityContext: {procMount: Unmasked}}]`,
    },
  ],
});
