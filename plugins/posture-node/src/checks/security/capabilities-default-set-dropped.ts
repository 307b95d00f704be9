import { defineCheck } from '../../engine/check';
import { arr, obj } from '../../engine/k8s';
import { perContainer } from '../lib/containers';

/** The capabilities container runtimes grant by default (Docker's and containerd's default set). */
const DEFAULT_SET = [
  'NET_ADMIN', 'CHOWN', 'DAC_OVERRIDE', 'FSETID', 'FOWNER', 'MKNOD', 'NET_RAW', 'SETGID',
  'SETUID', 'SETFCAP', 'SETPCAP', 'NET_BIND_SERVICE', 'SYS_CHROOT', 'KILL', 'AUDIT_WRITE',
];

export default defineCheck({
  meta: {
    id: 'capabilities-default-set-dropped',
    title: 'Containers drop the runtime\'s default capabilities',
    pillar: 'security',
    category: 'Hardening',
    severity: 'medium',
    rationale:
      'Container runtimes grant a default set of Linux capabilities (NET_RAW, CHOWN, SETUID…) that most applications never use; a compromised process can use them to spoof traffic or change file ownership.',
    remediation: {
      text: 'Drop ALL capabilities and add back only what the process needs.',
      patch: 'spec:\n  template:\n    spec:\n      containers:\n        - name: <container>\n          securityContext:\n            capabilities:\n              drop: [ALL]\n',
    },
    references: { polaris: ['insecureCapabilities'] },
    defaults:
      'Off by default: pss-capabilities-restricted, on by default, already requires drop ALL, which is stricter; turning this on counts the same gap twice. A container passes when capabilities.drop contains ALL or every capability of the runtime default set, compared case-insensitively as Polaris does (added capabilities are judged by the PSS checks). The pod has no capabilities field, so only containers count. Init containers are judged.',
    optIn: true,
  },
  target: 'workload',
  evaluate: (w, ctx) =>
    perContainer(w, ctx, {
      judge: c => {
        const drop = new Set(arr(obj(obj(c.container.securityContext)?.capabilities)?.drop).map(d => (typeof d === 'string' ? d.toUpperCase() : '')));
        if (drop.has('ALL')) return { ok: true, field: 'securityContext.capabilities.drop' };
        const kept = DEFAULT_SET.filter(cap => !drop.has(cap));
        return kept.length === 0
          ? { ok: true, field: 'securityContext.capabilities.drop' }
          : { ok: false, field: 'securityContext.capabilities.drop', value: drop.size ? [...drop].join(', ') : '(unset)', detail: `keeps ${kept.join(', ')}` };
      },
      passMessage: 'Every container drops the default capabilities',
      failMessage: failing => `Default capabilities kept in ${failing.join(', ')}`,
    }),
  fixtures: [
    {
      name: 'drop ALL passes (Polaris insecureCapabilities: pass)',
      expect: 'pass',
      upstream: ['polaris:insecureCapabilities'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: nginx}
spec:
  containers: [{name: nginx, image: nginx, securityContext: {capabilities: {drop: [All]}}}]`,
    },
    {
      name: 'dropping the whole default set in any case passes (Polaris insecureCapabilities: pass)',
      expect: 'pass',
      upstream: ['polaris:insecureCapabilities'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: nginx}
spec:
  containers:
    - name: nginx
      image: nginx
      securityContext:
        capabilities:
          drop: [net_admin, ChOwN, DaC_OverriDE, fsetid, FOWNER, MKNOD, NET_RAW, SETGID, SETUID, SETFCAP, SETPCAP, NET_BIND_SERVICE, SYS_CHROOT, KILL, AUDIT_WRITE]`,
    },
    {
      name: 'dropping most of the set fails (Polaris insecureCapabilities: fail)',
      expect: 'fail',
      upstream: ['polaris:insecureCapabilities'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: nginx}
spec:
  containers: [{name: nginx, image: nginx, securityContext: {capabilities: {drop: [NET_ADMIN, CHOWN, DAC_OVERRIDE, FSETID, FOWNER, MKNOD, NET_RAW]}}}]`,
    },
    {
      name: 'capabilities set only at pod level do not count (Polaris insecureCapabilities: fail)',
      expect: 'fail',
      upstream: ['polaris:insecureCapabilities'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: nginx}
spec:
  securityContext: {capabilities: {drop: [ALL]}}
  containers: [{name: nginx, image: nginx}]`,
    },
  ],
});
