import { Evidence } from '@posture-dev/backstage-plugin-posture-common';
import { defineCheck, notApplicable } from '../../engine/check';
import { containerScPath, containerSecurityContext, isWindows, pssContainers, setters, show, verdict } from '../lib/pss';

export default defineCheck({
  meta: {
    id: 'pss-allow-privilege-escalation',
    title: 'Forbids privilege escalation',
    pillar: 'security',
    category: 'Pod Security Standards',
    severity: 'high',
    pssLevel: 'restricted',
    rationale:
      'Unless allowPrivilegeEscalation is false, a process can gain more privileges than its parent (setuid binaries, file capabilities), which turns many footholds into root inside the container.',
    remediation: {
      text: 'Set securityContext.allowPrivilegeEscalation: false on every container, init container and ephemeral container.',
      patch:
        'spec:\n  template:\n    spec:\n      containers:\n        - name: <container>\n          securityContext:\n            allowPrivilegeEscalation: false\n',
    },
    references: {
      pss: ['allowPrivilegeEscalation'],
      polaris: ['privilegeEscalationAllowed'],
      kubescape: ['C-0016'],
      cis: ['5.2.6'],
      nsa: ['Pod security enforcement'],
    },
    defaults:
      'The API server leaves it unset and the runtime then allows escalation, so it must be explicitly false: unset fails in manifests and live objects alike. Windows pods (spec.os.name: windows) are exempt, as upstream since policy 1.25.',
  },
  target: 'workload',
  evaluate(w) {
    if (isWindows(w)) return notApplicable('Windows pods cannot set allowPrivilegeEscalation');
    const containers = pssContainers(w);
    if (containers.length === 0) return notApplicable('No containers');
    const violations: Evidence[] = [];
    for (const c of containers) {
      const v = containerSecurityContext(c)?.allowPrivilegeEscalation;
      if (v === false) continue;
      violations.push({ path: `${containerScPath(c)}.allowPrivilegeEscalation`, container: c.name, value: show(v) });
    }
    return verdict(
      violations,
      'Every container sets allowPrivilegeEscalation: false',
      v => `${setters(v)} must set securityContext.allowPrivilegeEscalation=false`,
    );
  },
  fixtures: [
    {
      name: 'false everywhere passes',
      expect: 'pass',
      upstream: ['polaris:privilegeEscalationAllowed', 'kubescape:C-0016'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  initContainers: [{name: i, image: x:1, securityContext: {allowPrivilegeEscalation: false}}]
  containers: [{name: a, image: x:1, securityContext: {allowPrivilegeEscalation: false}}]`,
    },
    {
      name: 'unset fails in a manifest',
      expect: 'fail',
      upstream: ['polaris:privilegeEscalationAllowed', 'kubescape:C-0016'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: x:1}]`,
    },
    {
      name: 'unset fails live too',
      expect: 'fail',
      mode: 'live',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: x:1, securityContext: {}}]`,
    },
    {
      name: 'true on an ephemeral container fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: x:1, securityContext: {allowPrivilegeEscalation: false}}]
  ephemeralContainers: [{name: dbg, image: x:1, securityContext: {allowPrivilegeEscalation: true}}]`,
    },
    {
      name: 'the string "false" is not false',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: x:1, securityContext: {allowPrivilegeEscalation: "false"}}]`,
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
