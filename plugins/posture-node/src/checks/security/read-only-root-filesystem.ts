import { defineCheck } from '../../engine/check';
import { obj } from '../../engine/k8s';
import { show } from '../lib/show';
import { perContainer } from '../lib/containers';

export default defineCheck({
  meta: {
    id: 'read-only-root-filesystem',
    title: 'Root filesystem is read-only',
    pillar: 'security',
    category: 'Container hardening',
    severity: 'medium',
    rationale:
      'A writable root filesystem lets an attacker who gets code execution drop tools and persist changes inside the container.',
    remediation: {
      text: 'Set readOnlyRootFilesystem on every container and mount an emptyDir where the process needs to write.',
      patch:
        'spec:\n  template:\n    spec:\n      containers:\n        - name: <container>\n          securityContext:\n            readOnlyRootFilesystem: true\n',
    },
    references: {
      polaris: ['notReadOnlyRootFilesystem'],
      kubeScore: ['container-security-context-readonlyrootfilesystem'],
      kubescape: ['C-0017'],
      nsa: ['Immutable container file systems'],
    },
    defaults: 'The API server leaves it unset (writable), so unset fails in manifests and live objects alike.',
  },
  target: 'workload',
  evaluate: (w, ctx) =>
    perContainer(w, ctx, {
      judge: c => ({
        ok: obj(c.container.securityContext)?.readOnlyRootFilesystem === true,
        field: 'securityContext.readOnlyRootFilesystem',
        value: show(obj(c.container.securityContext)?.readOnlyRootFilesystem),
      }),
      passMessage: 'Every container has a read-only root filesystem',
      failMessage: names => `Writable root filesystem in ${names.join(', ')}`,
    }),
  fixtures: [
    {
      name: 'read-only passes',
      expect: 'pass',
      upstream: ['kubeScore:container-security-context-readonlyrootfilesystem', 'polaris:notReadOnlyRootFilesystem', 'kubescape:C-0017'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: x:1, securityContext: {readOnlyRootFilesystem: true}}]`,
    },
    {
      name: 'second container writable fails',
      expect: 'fail',
      upstream: ['kubeScore:container-security-context-readonlyrootfilesystem', 'polaris:notReadOnlyRootFilesystem', 'kubescape:C-0017'],
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  selector: {matchLabels: {app: d}}
  template:
    metadata: {labels: {app: d}}
    spec:
      containers:
        - {name: a, image: x:1, securityContext: {readOnlyRootFilesystem: true}}
        - {name: b, image: y:1}`,
    },
  ],
});
