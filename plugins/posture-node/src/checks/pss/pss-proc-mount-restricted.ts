import { defineCheck, notApplicable } from '../../engine/check';
import { procMountViolations, pssContainers, setters, verdict } from '../lib/pss';

export default defineCheck({
  meta: {
    id: 'pss-proc-mount-restricted',
    title: 'Keeps the default /proc masks, even in a user namespace',
    pillar: 'security',
    category: 'Pod Security Standards',
    severity: 'medium',
    pssLevel: 'restricted',
    rationale:
      'Restricted keeps the /proc masks for every pod: a user namespace limits what an unmasked /proc exposes but does not remove the kernel attack surface it opens.',
    remediation: {
      text: 'Remove securityContext.procMount (or set it to Default) on every container.',
      patch:
        'spec:\n  template:\n    spec:\n      containers:\n        - name: <container>\n          securityContext:\n            procMount: Default\n',
    },
    references: {
      pss: ['procMount_restricted'],
      polaris: ['procMount'],
    },
    defaults: 'procMount defaults to Default, so leaving it out passes in manifests and live objects alike.',
  },
  target: 'workload',
  evaluate(w) {
    if (pssContainers(w).length === 0) return notApplicable('No containers');
    return verdict(
      procMountViolations(w),
      'Every container keeps the default /proc mount',
      v => `${setters(v)} must not set securityContext.procMount to ${[...new Set(v.map(e => `"${e.value}"`))].join(', ')}`,
    );
  },
  fixtures: [
    {
      name: 'Default in a user namespace passes',
      expect: 'pass',
      upstream: ['polaris:procMount'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  hostUsers: false
  containers: [{name: a, image: x:1, securityContext: {procMount: Default}}]`,
    },
    {
      name: 'Unmasked fails even in a user namespace',
      expect: 'fail',
      upstream: ['polaris:procMount'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  hostUsers: false
  containers: [{name: a, image: x:1, securityContext: {procMount: Unmasked}}]`,
    },
    {
      name: 'Unmasked on an ephemeral container fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: x:1}]
  ephemeralContainers: [{name: dbg, image: x:1, securityContext: {procMount: Unmasked}}]`,
    },
  ],
});
