import { defineCheck } from '../../engine/check';
import { annotationsOf, arr, obj } from '../../engine/k8s';
import { ContainerEntry, Workload } from '../../engine/workloads';
import { perContainer } from '../lib/containers';

const upper = (v: unknown) => (typeof v === 'string' ? v.toUpperCase() : '');
const confined = (profile: unknown) => {
  const type = obj(profile)?.type;
  return typeof type === 'string' && type !== '' && type !== 'Unconfined';
};

/** Which Linux hardening mechanism confines the container, if any; the container's settings override the pod's. */
function hardening(w: Workload, c: ContainerEntry): string | undefined {
  const pod = obj(w.podSpec.securityContext) ?? {};
  const sc = obj(c.container.securityContext) ?? {};
  const seccomp = sc.seccompProfile !== undefined && sc.seccompProfile !== null ? sc.seccompProfile : pod.seccompProfile;
  if (confined(seccomp)) return 'seccompProfile';
  const selinux = [obj(sc.seLinuxOptions), obj(pod.seLinuxOptions)].some(o => o && Object.values(o).some(v => typeof v === 'string' && v !== ''));
  if (selinux) return 'seLinuxOptions';
  const annotation = annotationsOf({ metadata: w.podMeta })[`container.apparmor.security.beta.kubernetes.io/${c.name}`];
  if ((annotation && annotation !== 'unconfined') || confined(sc.appArmorProfile ?? pod.appArmorProfile)) return 'AppArmor';
  const caps = obj(sc.capabilities);
  if (arr(caps?.drop).some(d => upper(d) === 'ALL') && !arr(caps?.add).some(a => upper(a) === 'ALL')) return 'capabilities.drop ALL';
  return undefined;
}

export default defineCheck({
  meta: {
    id: 'linux-hardening',
    title: 'Containers use at least one Linux hardening mechanism',
    pillar: 'security',
    category: 'Hardening',
    severity: 'medium',
    rationale:
      'seccomp, SELinux, AppArmor and dropping all capabilities each narrow what a compromised process can do to the kernel; a container with none of them runs with the full default attack surface.',
    remediation: {
      text: 'Set seccompProfile RuntimeDefault (pod or container), or drop ALL capabilities, or give SELinux options or an AppArmor profile.',
      patch: 'spec:\n  template:\n    spec:\n      securityContext:\n        seccompProfile:\n          type: RuntimeDefault\n',
    },
    references: { polaris: ['linuxHardening'] },
    defaults:
      'Off by default: the Pod Security Standards checks, on by default, already require seccomp RuntimeDefault and drop ALL (restricted), which is stricter than "any one mechanism"; turning this on counts the same gap twice. A container passes with any of: an effective seccompProfile other than Unconfined (the container\'s overrides the pod\'s), seLinuxOptions with a field set, an AppArmor annotation or appArmorProfile other than unconfined, or capabilities that drop ALL without adding ALL. Names are compared case-insensitively, as Polaris does. Init containers are judged.',
    optIn: true,
  },
  target: 'workload',
  evaluate: (w, ctx) =>
    perContainer(w, ctx, {
      judge: c => {
        const by = hardening(w, c);
        return by ? { ok: true, field: 'securityContext' } : { ok: false, field: 'securityContext', value: '(no seccomp, SELinux, AppArmor or drop ALL)' };
      },
      passMessage: 'Every container is confined by seccomp, SELinux, AppArmor or dropped capabilities',
      failMessage: failing => `No Linux hardening in ${failing.join(', ')}`,
    }),
  fixtures: [
    {
      name: 'a pod-level RuntimeDefault seccomp profile passes (Polaris linuxHardening: pass)',
      expect: 'pass',
      upstream: ['polaris:linuxHardening'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: test-pod}
spec:
  securityContext: {seccompProfile: {type: RuntimeDefault}}
  containers: [{name: nginx, image: nginx}]`,
    },
    {
      name: 'a container profile overriding an unconfined pod passes',
      expect: 'pass',
      upstream: ['polaris:linuxHardening'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: test-pod}
spec:
  securityContext: {seccompProfile: {type: Unconfined}}
  containers: [{name: nginx, image: nginx, securityContext: {seccompProfile: {type: RuntimeDefault}}}]`,
    },
    {
      name: 'AppArmor annotations naming the containers pass',
      expect: 'pass',
      upstream: ['polaris:linuxHardening'],
      yaml: `apiVersion: v1
kind: Pod
metadata:
  name: test-pod
  annotations:
    container.apparmor.security.beta.kubernetes.io/nginx: runtime/default
spec:
  containers: [{name: nginx, image: nginx}]`,
    },
    {
      name: 'nothing set fails (Polaris linuxHardening: fail)',
      expect: 'fail',
      upstream: ['polaris:linuxHardening'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: test-pod}
spec:
  containers: [{name: nginx, image: nginx}]`,
    },
    {
      name: 'a container Unconfined profile overriding the pod fails (Polaris linuxHardening: fail)',
      expect: 'fail',
      upstream: ['polaris:linuxHardening'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: test-pod}
spec:
  securityContext: {seccompProfile: {type: RuntimeDefault}}
  containers: [{name: nginx, image: nginx, securityContext: {seccompProfile: {type: Unconfined}}}]`,
    },
    {
      name: 'drop ALL with add all fails',
      expect: 'fail',
      upstream: ['polaris:linuxHardening'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: test-pod}
spec:
  containers: [{name: nginx, image: nginx, securityContext: {capabilities: {drop: [ALL], add: [all]}}}]`,
    },
  ],
});
