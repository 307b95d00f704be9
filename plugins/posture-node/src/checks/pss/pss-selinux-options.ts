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

/** Upstream's allowed types at policy 1.31+ (`container_engine_t` was added then); `''` is unset. */
const ALLOWED_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);

/** The problems with one seLinuxOptions object, as evidence relative to `base`. */
function judge(opts: unknown, base: string, container?: string): Evidence[] {
  if (!isSet(opts)) return [];
  const o = obj(opts);
  const at = (field: string, value: unknown, detail?: string): Evidence => ({
    path: `${base}.seLinuxOptions${field ? `.${field}` : ''}`,
    value: show(value),
    ...(container !== undefined ? { container } : {}),
    ...(detail ? { detail } : {}),
  });
  if (!o) return [at('', opts, 'not an object')];
  const out: Evidence[] = [];
  const type = o.type ?? '';
  if (typeof type !== 'string' || !ALLOWED_TYPES.has(type)) out.push(at('type', type, 'type not allowed'));
  for (const field of ['user', 'role'] as const) {
    const v = o[field];
    if (isSet(v) && v !== '') out.push(at(field, v, `${field} may not be set`));
  }
  return out;
}

export default defineCheck({
  meta: {
    id: 'pss-selinux-options',
    title: 'Uses only the container SELinux types',
    pillar: 'security',
    category: 'Pod Security Standards',
    severity: 'high',
    pssLevel: 'baseline',
    rationale:
      'A custom SELinux type, user or role can lift the mandatory access control that keeps a container away from host files and other containers (e.g. spc_t runs unconfined).',
    remediation: {
      text: 'Leave seLinuxOptions unset, or use only the type container_t, container_init_t, container_kvm_t or container_engine_t, without user or role.',
      patch:
        'spec:\n  template:\n    spec:\n      securityContext:\n        seLinuxOptions:\n          type: container_t\n',
    },
    references: {
      pss: ['seLinuxOptions'],
    },
    defaults: 'The runtime assigns container_t when unset, so leaving it out passes in manifests and live objects alike.',
  },
  target: 'workload',
  evaluate(w) {
    const violations = judge(podSecurityContext(w)?.seLinuxOptions, podScPath(w));
    for (const c of pssContainers(w)) {
      for (const v of judge(containerSecurityContext(c)?.seLinuxOptions, containerScPath(c), c.name)) violations.push(v);
    }
    return verdict(
      violations,
      'No forbidden SELinux options',
      v =>
        `${setters(v)} set forbidden securityContext.seLinuxOptions: ${[
          ...new Set(v.map(e => `${e.path.split('.').pop()}=${e.value}`)),
        ].join(', ')}`,
    );
  },
  fixtures: [
    {
      name: 'allowed types and a level pass',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext: {seLinuxOptions: {type: container_t}}
  initContainers: [{name: i, image: x:1, securityContext: {seLinuxOptions: {type: container_engine_t}}}]
  containers: [{name: a, image: x:1, securityContext: {seLinuxOptions: {level: "s0:c123,c456", type: container_init_t}}}]`,
    },
    {
      name: 'spc_t fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: x:1, securityContext: {seLinuxOptions: {type: spc_t}}}]`,
    },
    {
      name: 'a user at pod level fails',
      expect: 'fail',
      yaml: `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: s}
spec:
  selector: {matchLabels: {app: s}}
  serviceName: s
  template:
    metadata: {labels: {app: s}}
    spec:
      securityContext: {seLinuxOptions: {user: system_u}}
      containers: [{name: a, image: x:1}]`,
    },
    {
      name: 'empty options pass',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext: {seLinuxOptions: {}}
  containers: [{name: a, image: x:1, securityContext: {seLinuxOptions: {type: ""}}}]`,
    },
    {
      name: 'options that are not an object fail closed',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext: {seLinuxOptions: spc_t}
  containers: [{name: a, image: x:1}]`,
    },
  ],
});
