import { Evidence } from '@posture-dev/backstage-plugin-posture-common';
import { defineCheck } from '../../engine/check';
import { obj } from '../../engine/k8s';
import { isSet, podScPath, podSecurityContext, show, verdict } from '../lib/pss';

/**
 * Upstream's safe set at policy 1.37: namespaced sysctls isolated from other
 * pods. The list grew at 1.27, 1.29, 1.32 and 1.37; this is the latest.
 */
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
  // 1.27
  'net.ipv4.ip_local_reserved_ports',
  // 1.29
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  // 1.32
  'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem',
  // 1.37
  'net.ipv4.tcp_slow_start_after_idle',
  'net.ipv4.tcp_notsent_lowat',
]);

export default defineCheck({
  meta: {
    id: 'pss-sysctls',
    title: 'Sets only safe sysctls',
    pillar: 'security',
    category: 'Pod Security Standards',
    severity: 'high',
    pssLevel: 'baseline',
    rationale:
      'Sysctls outside the safe, namespaced set can change kernel behaviour for every pod on the node or disable security mechanisms.',
    remediation: {
      text: 'Remove sysctls that are not in the safe set (e.g. kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, net.ipv4.tcp_keepalive_time); tune the node instead if the workload needs more.',
      patch: 'spec:\n  template:\n    spec:\n      securityContext:\n        sysctls: []\n',
    },
    references: {
      pss: ['sysctls'],
    },
    defaults: 'No sysctls are set by default, so leaving them out passes in manifests and live objects alike.',
  },
  target: 'workload',
  evaluate(w) {
    const sysctls = podSecurityContext(w)?.sysctls;
    const base = `${podScPath(w)}.sysctls`;
    const violations: Evidence[] = [];
    if (isSet(sysctls) && !Array.isArray(sysctls)) {
      violations.push({ path: base, value: show(sysctls), detail: 'not a list' });
    } else if (Array.isArray(sysctls)) {
      sysctls.forEach((s, i) => {
        const name = obj(s)?.name;
        if (typeof name === 'string' && SAFE_SYSCTLS.has(name)) return;
        violations.push({ path: `${base}[${i}].name`, value: show(name) });
      });
    }
    return verdict(
      violations,
      'Only safe sysctls are set',
      v => `Forbidden sysctls: ${v.map(e => e.value).join(', ')}`,
    );
  },
  fixtures: [
    {
      name: 'safe sysctls pass',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext:
    sysctls:
      - {name: net.ipv4.ip_local_port_range, value: "1024 65535"}
      - {name: net.ipv4.tcp_keepalive_time, value: "600"}
      - {name: net.ipv4.tcp_slow_start_after_idle, value: "0"}
  containers: [{name: a, image: x:1}]`,
    },
    {
      name: 'an unsafe sysctl fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext:
    sysctls: [{name: kernel.msgmax, value: "65536"}]
  containers: [{name: a, image: x:1}]`,
    },
    {
      name: 'an entry without a name fails closed',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext:
    sysctls: ["net.ipv4.tcp_syncookies=1"]
  containers: [{name: a, image: x:1}]`,
    },
    {
      name: 'no sysctls pass',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext: {}
  containers: [{name: a, image: x:1}]`,
    },
  ],
});
