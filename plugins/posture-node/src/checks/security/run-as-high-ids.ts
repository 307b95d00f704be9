import { defineCheck } from '../../engine/check';
import { obj } from '../../engine/k8s';
import { perContainer } from '../lib/containers';

const FLOOR = 10000;

export default defineCheck({
  meta: {
    id: 'run-as-high-ids',
    title: 'Containers run with a user and group ID above 10000',
    pillar: 'security',
    category: 'Hardening',
    severity: 'low',
    rationale:
      'Low user and group IDs are the ones host accounts and system daemons use; a container process that escapes with such an ID owns their files. IDs above 10000 do not collide with them.',
    remediation: {
      text: 'Set runAsUser and runAsGroup above 10000 in the pod (or container) securityContext, and build the image to run as that user.',
      patch: 'spec:\n  template:\n    spec:\n      securityContext:\n        runAsUser: 10001\n        runAsGroup: 10001\n',
    },
    references: { kubeScore: ['container-security-context-user-group-id'] },
    defaults:
      'Off by default, as in kube-score. Nothing is defaulted: an unset runAsUser or runAsGroup runs as the image\'s user (often root), so it fails. The container\'s securityContext overrides the pod\'s. kube-score fails IDs below 10000; 10000 itself passes. Init containers are judged; Windows pods are not applicable.',
    optIn: true,
  },
  target: 'workload',
  evaluate: (w, ctx) =>
    perContainer(w, ctx, {
      judge: c => {
        if (obj(w.podSpec.os)?.name === 'windows') return undefined;
        const pod = obj(w.podSpec.securityContext) ?? {};
        const sc = obj(c.container.securityContext) ?? {};
        for (const f of ['runAsUser', 'runAsGroup'] as const) {
          const v = sc[f] ?? pod[f];
          if (typeof v !== 'number' || v < FLOOR)
            return { ok: false, field: `securityContext.${f}`, value: v === undefined || v === null ? '(unset)' : JSON.stringify(v), detail: `${f} must be ${FLOOR} or more` };
        }
        return { ok: true, field: 'securityContext' };
      },
      passMessage: `Every container runs with user and group IDs of ${FLOOR} or more`,
      failMessage: failing => `Low or unset user or group ID in ${failing.join(', ')}`,
    }),
  fixtures: [
    {
      name: 'high IDs on the pod pass (kube-score container-security-context-user-group-id: pass)',
      expect: 'pass',
      upstream: ['kubeScore:container-security-context-user-group-id'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext: {runAsUser: 10001, runAsGroup: 10001}
  containers: [{name: a, image: a:1}]`,
    },
    {
      name: 'a low group ID fails (kube-score container-security-context-user-group-id: fail)',
      expect: 'fail',
      upstream: ['kubeScore:container-security-context-user-group-id'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: a:1, securityContext: {runAsUser: 20000, runAsGroup: 1000}}]`,
    },
    {
      name: 'unset IDs fail',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: a:1}]`,
    },
    {
      name: 'the container overrides a low pod ID',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext: {runAsUser: 0, runAsGroup: 0}
  containers: [{name: a, image: a:1, securityContext: {runAsUser: 10001, runAsGroup: 10001}}]`,
    },
  ],
});
