import { Evidence } from '@posture-dev/backstage-plugin-posture-common';
import { defineCheck, notApplicable } from '../../engine/check';
import { obj } from '../../engine/k8s';
import {
  containerScPath,
  containerSecurityContext,
  isSet,
  isWindows,
  pssContainers,
  setters,
  show,
  verdict,
} from '../lib/pss';

export default defineCheck({
  meta: {
    id: 'pss-capabilities-restricted',
    title: 'Drops all capabilities and adds at most NET_BIND_SERVICE',
    pillar: 'security',
    category: 'Pod Security Standards',
    severity: 'medium',
    pssLevel: 'restricted',
    rationale:
      "The runtime's default capability set (CHOWN, DAC_OVERRIDE, NET_RAW, SETUID…) is more than most processes need; dropping ALL removes that attack surface, and NET_BIND_SERVICE is the only one restricted lets back in.",
    remediation: {
      text: 'Set securityContext.capabilities.drop: ["ALL"] on every container and add back only NET_BIND_SERVICE if the process binds a port below 1024.',
      patch:
        'spec:\n  template:\n    spec:\n      containers:\n        - name: <container>\n          securityContext:\n            capabilities:\n              drop: ["ALL"]\n',
    },
    references: {
      pss: ['capabilities_restricted'],
      polaris: [],
      cis: ['5.2.10'],
    },
    defaults:
      'Nothing is dropped by default, so drop: ["ALL"] must be written (exactly "ALL", as upstream): unset fails in manifests and live objects alike. Windows pods (spec.os.name: windows) are exempt, as upstream since policy 1.25.',
  },
  target: 'workload',
  evaluate(w) {
    if (isWindows(w)) return notApplicable('Windows pods cannot set Linux capabilities');
    const containers = pssContainers(w);
    if (containers.length === 0) return notApplicable('No containers');
    const violations: Evidence[] = [];
    for (const c of containers) {
      const caps = obj(containerSecurityContext(c)?.capabilities);
      const base = `${containerScPath(c)}.capabilities`;
      const drop = caps?.drop;
      if (!(Array.isArray(drop) && drop.includes('ALL'))) {
        violations.push({
          path: `${base}.drop`,
          container: c.name,
          // a long list of named capabilities says less than its size
          value: Array.isArray(drop) ? `${drop.length} entries without "ALL"` : show(drop),
          detail: 'must include "ALL"',
        });
      }
      const add = caps?.add;
      if (isSet(add) && !Array.isArray(add)) {
        violations.push({ path: `${base}.add`, container: c.name, value: show(add), detail: 'not a list' });
      } else if (Array.isArray(add)) {
        add.forEach((cap, i) => {
          if (cap === 'NET_BIND_SERVICE') return;
          violations.push({
            path: `${base}.add[${i}]`,
            container: c.name,
            value: show(cap),
            detail: 'only NET_BIND_SERVICE may be added',
          });
        });
      }
    }
    return verdict(
      violations,
      'Every container drops ALL capabilities and adds at most NET_BIND_SERVICE',
      v => {
        const missingDrop = v.filter(e => e.path.endsWith('.drop'));
        const adds = v.filter(e => !e.path.endsWith('.drop'));
        const parts: string[] = [];
        if (missingDrop.length > 0) parts.push(`${setters(missingDrop)} must set securityContext.capabilities.drop=["ALL"]`);
        if (adds.length > 0) {
          parts.push(
            `${setters(adds)} must not include ${[...new Set(adds.map(e => `"${e.value}"`))].join(', ')} in securityContext.capabilities.add`,
          );
        }
        return parts.join('; ');
      },
    );
  },
  fixtures: [
    {
      name: 'drop ALL with NET_BIND_SERVICE passes',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  initContainers: [{name: i, image: x:1, securityContext: {capabilities: {drop: [ALL]}}}]
  containers: [{name: a, image: x:1, securityContext: {capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}}}]`,
    },
    {
      name: 'no capabilities fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: x:1}]`,
    },
    {
      name: 'dropping every capability by name is not drop ALL',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: x:1, securityContext: {capabilities: {drop: [CHOWN, NET_RAW, SETUID, SETGID, all]}}}]`,
    },
    {
      name: 'adding a default-set capability fails',
      expect: 'fail',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  selector: {matchLabels: {app: d}}
  template:
    metadata: {labels: {app: d}}
    spec:
      containers: [{name: a, image: x:1, securityContext: {capabilities: {drop: [ALL], add: [CHOWN]}}}]`,
    },
    {
      name: 'drop as a string fails closed',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: x:1, securityContext: {capabilities: {drop: ALL}}}]`,
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
