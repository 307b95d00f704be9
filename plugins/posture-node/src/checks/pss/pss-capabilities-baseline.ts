import { Evidence } from '@posture-dev/backstage-plugin-posture-common';
import { defineCheck, notApplicable } from '../../engine/check';
import { obj } from '../../engine/k8s';
import {
  containerScPath,
  containerSecurityContext,
  isSet,
  pssContainers,
  setters,
  show,
  verdict,
} from '../lib/pss';

/**
 * The container runtime's default set: adding one of these changes nothing,
 * so baseline allows it. Matched exactly, as upstream does: `chown` and
 * `CAP_CHOWN` are not `CHOWN`.
 */
const BASELINE_ALLOWED_CAPABILITIES = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);

export default defineCheck({
  meta: {
    id: 'pss-capabilities-baseline',
    title: 'Adds no capabilities beyond the runtime default set',
    pillar: 'security',
    category: 'Pod Security Standards',
    severity: 'high',
    pssLevel: 'baseline',
    rationale:
      'Capabilities such as SYS_ADMIN, NET_ADMIN, SYS_PTRACE or NET_RAW give a container kernel powers that are routinely used to escape it or to attack the node network.',
    remediation: {
      text: 'Remove every entry of securityContext.capabilities.add that is not in the default set (AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT).',
      patch:
        'spec:\n  template:\n    spec:\n      containers:\n        - name: <container>\n          securityContext:\n            capabilities:\n              add: []\n',
    },
    references: {
      pss: ['capabilities_baseline'],
      polaris: ['dangerousCapabilities'],
      kubescape: ['C-0046'],
      cis: ['5.2.8', '5.2.9'],
    },
    defaults: 'Nothing is added by default, so leaving capabilities out passes in manifests and live objects alike.',
  },
  target: 'workload',
  evaluate(w) {
    const containers = pssContainers(w);
    if (containers.length === 0) return notApplicable('No containers');
    const violations: Evidence[] = [];
    for (const c of containers) {
      const add = obj(containerSecurityContext(c)?.capabilities)?.add;
      const path = `${containerScPath(c)}.capabilities.add`;
      if (!isSet(add)) continue;
      if (!Array.isArray(add)) {
        violations.push({ path, container: c.name, value: show(add), detail: 'not a list' });
        continue;
      }
      add.forEach((cap, i) => {
        if (typeof cap === 'string' && BASELINE_ALLOWED_CAPABILITIES.has(cap)) return;
        violations.push({ path: `${path}[${i}]`, container: c.name, value: show(cap) });
      });
    }
    return verdict(
      violations,
      'No container adds a capability beyond the default set',
      v =>
        `${setters(v)} must not include ${[...new Set(v.map(e => `"${e.value}"`))].join(', ')} in securityContext.capabilities.add`,
    );
  },
  fixtures: [
    {
      name: 'default-set capabilities pass',
      expect: 'pass',
      upstream: ['polaris:dangerousCapabilities', 'kubescape:C-0046'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: x:1, securityContext: {capabilities: {add: [NET_BIND_SERVICE, CHOWN], drop: [NET_RAW]}}}]`,
    },
    {
      name: 'NET_RAW fails',
      expect: 'fail',
      upstream: ['polaris:dangerousCapabilities', 'kubescape:C-0046'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: x:1, securityContext: {capabilities: {add: [NET_RAW]}}}]`,
    },
    {
      name: 'a lower-case or CAP_-prefixed name is not in the set',
      expect: 'fail',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  selector: {matchLabels: {app: d}}
  template:
    metadata: {labels: {app: d}}
    spec:
      containers:
        - {name: a, image: x:1, securityContext: {capabilities: {add: [chown]}}}
        - {name: b, image: x:1, securityContext: {capabilities: {add: [CAP_CHOWN]}}}`,
    },
    {
      name: 'add that is not a list fails closed',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: x:1, securityContext: {capabilities: {add: SYS_ADMIN}}}]`,
    },
    {
      name: 'capabilities without add passes',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: x:1, securityContext: {capabilities: {}}}]`,
    },
  ],
});
