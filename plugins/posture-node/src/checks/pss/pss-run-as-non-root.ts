import { Evidence } from '@posture-dev/backstage-plugin-posture-common';
import { defineCheck, notApplicable, pass } from '../../engine/check';
import {
  containerScPath,
  containerSecurityContext,
  inUserNamespace,
  isSet,
  podScPath,
  podSecurityContext,
  pssContainers,
  setters,
  show,
  verdict,
} from '../lib/pss';

export default defineCheck({
  meta: {
    id: 'pss-run-as-non-root',
    title: 'Requires containers to run as non-root',
    pillar: 'security',
    category: 'Pod Security Standards',
    severity: 'high',
    pssLevel: 'restricted',
    rationale:
      'With runAsNonRoot: true the kubelet refuses to start a container whose user is root, so an image that silently runs as UID 0 cannot give an attacker root inside the container (and a step closer to the node).',
    remediation: {
      text: 'Set spec.securityContext.runAsNonRoot: true (or on every container), and give the image a non-root USER or set runAsUser.',
      patch:
        'spec:\n  template:\n    spec:\n      securityContext:\n        runAsNonRoot: true\n',
    },
    references: {
      pss: ['runAsNonRoot'],
      polaris: ['runAsRootAllowed'],
      kubescape: ['C-0013'],
      cis: ['5.2.7'],
      nsa: ['Non-root containers and "rootless" container engines'],
    },
    defaults:
      'The API server does not default runAsNonRoot, so it must be true at pod level or on every container: unset fails in manifests and live objects alike. Since policy 1.35 a pod with spec.hostUsers: false is exempt (root in a user namespace is unprivileged on the node).',
  },
  target: 'workload',
  evaluate(w) {
    const containers = pssContainers(w);
    if (containers.length === 0) return notApplicable('No containers');
    if (inUserNamespace(w)) {
      return pass('The pod runs in a user namespace (hostUsers: false), so root in it is not root on the node', [
        { path: `${w.podSpecPath}.hostUsers`, value: 'false' },
      ]);
    }
    const violations: Evidence[] = [];
    const podValue = podSecurityContext(w)?.runAsNonRoot;
    // anything but true at pod level is an explicit bad setting, not "unset"
    if (isSet(podValue) && podValue !== true) {
      violations.push({ path: `${podScPath(w)}.runAsNonRoot`, value: show(podValue) });
    }
    for (const c of containers) {
      const v = containerSecurityContext(c)?.runAsNonRoot;
      if (v === true) continue;
      if (!isSet(v) && podValue === true) continue;
      violations.push({
        path: `${containerScPath(c)}.runAsNonRoot`,
        container: c.name,
        value: show(v),
        ...(!isSet(v) ? { detail: 'neither the container nor the pod sets runAsNonRoot: true' } : {}),
      });
    }
    return verdict(
      violations,
      'Every container is required to run as non-root',
      v => `${setters(v)} must set securityContext.runAsNonRoot=true`,
    );
  },
  fixtures: [
    {
      name: 'pod-level true passes',
      expect: 'pass',
      upstream: ['polaris:runAsRootAllowed'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext: {runAsNonRoot: true}
  containers: [{name: a, image: x:1}]`,
    },
    {
      name: 'true on every container passes',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  initContainers: [{name: i, image: x:1, securityContext: {runAsNonRoot: true}}]
  containers: [{name: a, image: x:1, securityContext: {runAsNonRoot: true}}]`,
    },
    {
      name: 'unset fails even with a non-zero runAsUser',
      expect: 'fail',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  selector: {matchLabels: {app: d}}
  template:
    metadata: {labels: {app: d}}
    spec:
      securityContext: {runAsUser: 1000}
      containers: [{name: a, image: x:1}]`,
    },
    {
      name: 'a container overriding with false fails',
      expect: 'fail',
      upstream: ['polaris:runAsRootAllowed', 'kubescape:C-0013'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext: {runAsNonRoot: true}
  containers: [{name: a, image: x:1, securityContext: {runAsNonRoot: false}}]`,
    },
    {
      name: 'pod-level false fails even when containers set true',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext: {runAsNonRoot: false}
  containers: [{name: a, image: x:1, securityContext: {runAsNonRoot: true}}]`,
    },
    {
      name: 'a user-namespace pod passes',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  hostUsers: false
  containers: [{name: a, image: x:1}]`,
    },
    {
      name: 'runAsNonRoot with privilege escalation off passes (kubescape C-0013: pass)',
      expect: 'pass',
      upstream: ['kubescape:C-0013'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext: {runAsNonRoot: true}
  containers: [{name: a, image: x:1, securityContext: {allowPrivilegeEscalation: false}}]`,
    },
  ],
});
