import { Evidence } from '@posture-dev/backstage-plugin-posture-common';
import { defineCheck, notApplicable } from '../../engine/check';
import {
  containerScPath,
  containerSecurityContext,
  forbiddenFlag,
  pssContainers,
  setters,
  show,
  typeDetail,
  verdict,
} from '../lib/pss';

export default defineCheck({
  meta: {
    id: 'pss-privileged',
    title: 'No privileged containers',
    pillar: 'security',
    category: 'Pod Security Standards',
    severity: 'critical',
    pssLevel: 'baseline',
    rationale:
      'A privileged container gets every capability, all host devices and no seccomp or AppArmor confinement: code running in it effectively runs as root on the node.',
    remediation: {
      text: 'Remove securityContext.privileged (or set it to false) on every container, and grant only the specific capabilities the process needs.',
      patch:
        'spec:\n  template:\n    spec:\n      containers:\n        - name: <container>\n          securityContext:\n            privileged: false\n',
    },
    references: {
      pss: ['privileged'],
      polaris: ['runAsPrivileged'],
      kubeScore: ['container-security-context-privileged'],
      kubescape: ['C-0057'],
      cis: ['5.2.2'],
      nsa: ['Pod security enforcement'],
    },
    defaults: 'privileged defaults to false, so leaving it out passes in manifests and live objects alike.',
  },
  target: 'workload',
  evaluate(w) {
    const containers = pssContainers(w);
    if (containers.length === 0) return notApplicable('No containers');
    const violations: Evidence[] = [];
    for (const c of containers) {
      const v = containerSecurityContext(c)?.privileged;
      if (!forbiddenFlag(v)) continue;
      const detail = typeDetail(v, 'boolean');
      violations.push({
        path: `${containerScPath(c)}.privileged`,
        container: c.name,
        value: show(v),
        ...(detail ? { detail } : {}),
      });
    }
    return verdict(
      violations,
      'No container is privileged',
      v => `${setters(v)} must not set securityContext.privileged=true`,
    );
  },
  fixtures: [
    {
      name: 'privileged false passes',
      expect: 'pass',
      upstream: ['kubeScore:container-security-context-privileged', 'polaris:runAsPrivileged', 'kubescape:C-0057'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: x:1, securityContext: {privileged: false}}]`,
    },
    {
      name: 'privileged init container fails',
      expect: 'fail',
      upstream: ['kubeScore:container-security-context-privileged', 'polaris:runAsPrivileged'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  initContainers: [{name: init, image: x:1, securityContext: {privileged: true}}]
  containers: [{name: a, image: x:1}]`,
    },
    {
      name: 'privileged ephemeral container fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: x:1}]
  ephemeralContainers: [{name: debug, image: busybox:1, securityContext: {privileged: true}}]`,
    },
    {
      name: 'a securityContext that is not an object is ignored',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: x:1, securityContext: "privileged"}]`,
    },
    {
      name: 'no containers is not applicable',
      expect: 'not-applicable',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec: {}`,
    },
    {
      name: 'a privileged container fails (kubescape C-0057: fail)',
      expect: 'fail',
      upstream: ['kubescape:C-0057'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: x:1, securityContext: {privileged: true}}]`,
    },
  ],
});
