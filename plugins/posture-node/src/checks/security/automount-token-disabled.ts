import { defineCheck, fail, notApplicable, pass } from '../../engine/check';
import { refOf } from '../../engine/k8s';

export default defineCheck({
  meta: {
    id: 'automount-token-disabled',
    title: 'ServiceAccount token is not mounted automatically',
    pillar: 'security',
    category: 'Access control',
    severity: 'medium',
    rationale:
      'A mounted ServiceAccount token lets anyone who gets code execution in the pod call the Kubernetes API as that ServiceAccount. Most applications never call the API and should not carry the credential.',
    remediation: {
      text: 'Set automountServiceAccountToken: false on the pod (or on its ServiceAccount). Pods that do call the API can mount a projected, audience-bound token explicitly.',
      patch: 'spec:\n  template:\n    spec:\n      automountServiceAccountToken: false\n',
    },
    references: {
      polaris: ['automountServiceAccountToken'],
      kubescape: ['C-0034'],
      cis: ['5.1.6'],
      nsa: ['Pod security: service account tokens'],
    },
    defaults:
      'The pod\'s spec.automountServiceAccountToken wins when set; otherwise the ServiceAccount\'s automountServiceAccountToken applies; when neither is set the token is mounted (the API server default), so the check fails. The API server never fills in either field, so manifests and live objects are judged alike. A live snapshot without any ServiceAccount did not collect them: not applicable unless the pod decides.',
  },
  target: 'workload',
  evaluate(w, ctx) {
    const podPath = `${w.podSpecPath}.automountServiceAccountToken`;
    const onPod = w.podSpec.automountServiceAccountToken;
    if (onPod === false) return pass('The pod disables the token mount', [{ path: podPath, value: 'false' }]);
    if (onPod === true)
      return fail('The pod mounts its ServiceAccount token (automountServiceAccountToken: true)', [
        { path: podPath, value: 'true' },
      ]);
    const saName = ctx.index.serviceAccountName(w);
    const sa = ctx.index.get('ServiceAccount', w.namespace, saName);
    // every live namespace has a ServiceAccount, so none at all means they were not collected
    if (!sa && ctx.mode === 'live' && ctx.index.ofKind('ServiceAccount').length === 0)
      return notApplicable(`ServiceAccounts were not collected, so ${saName}'s automountServiceAccountToken is unknown`);
    const onSa = sa?.automountServiceAccountToken;
    if (sa && onSa === false)
      return pass(`ServiceAccount ${saName} disables the token mount`, [
        { path: 'automountServiceAccountToken', value: 'false', object: refOf(sa) },
      ]);
    if (sa && onSa === true)
      return fail(`ServiceAccount ${saName} mounts its token and the pod does not override it`, [
        { path: 'automountServiceAccountToken', value: 'true', object: refOf(sa) },
        { path: podPath, value: '(unset)' },
      ]);
    return fail(
      sa
        ? `Neither the pod nor ServiceAccount ${saName} disables the token mount, so it is mounted by default`
        : `The pod does not disable the token mount, so ServiceAccount ${saName}'s token is mounted by default`,
      [{ path: podPath, value: '(unset)' }],
    );
  },
  fixtures: [
    {
      name: 'disabled on the pod passes',
      expect: 'pass',
      upstream: ['polaris:automountServiceAccountToken', 'kubescape:C-0034'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec: {automountServiceAccountToken: false, containers: [{name: a, image: a:1}]}`,
    },
    {
      name: 'disabled on the ServiceAccount passes',
      expect: 'pass',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: d, namespace: shop}
spec:
  selector: {matchLabels: {app: d}}
  template:
    metadata: {labels: {app: d}}
    spec: {serviceAccountName: d, containers: [{name: a, image: a:1}]}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: d, namespace: shop}
automountServiceAccountToken: false`,
    },
    {
      name: 'the pod setting wins over the ServiceAccount',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec: {automountServiceAccountToken: true, serviceAccountName: s, containers: [{name: a, image: a:1}]}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: s}
automountServiceAccountToken: false`,
    },
    {
      name: 'unset everywhere fails',
      expect: 'fail',
      upstream: ['polaris:automountServiceAccountToken'],
      yaml: `apiVersion: batch/v1
kind: CronJob
metadata: {name: c}
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      template:
        spec: {restartPolicy: Never, containers: [{name: a, image: a:1}]}`,
    },
    {
      name: 'a ServiceAccount in another namespace does not count',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: a}
spec: {serviceAccountName: s, containers: [{name: a, image: a:1}]}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: s, namespace: b}
automountServiceAccountToken: false`,
    },
    {
      name: 'a string "false" is not false (the API server rejects it)',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec: {automountServiceAccountToken: "false", containers: [{name: a, image: a:1}]}`,
    },
    {
      name: 'live: unknown ServiceAccount setting is not applicable',
      expect: 'not-applicable',
      mode: 'live',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec: {containers: [{name: a, image: a:1}]}`,
    },
    {
      name: 'automountServiceAccountToken true on the pod fails (kubescape C-0034: fail)',
      expect: 'fail',
      upstream: ['kubescape:C-0034'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec: {automountServiceAccountToken: true, containers: [{name: a, image: a:1}]}`,
    },
  ],
});
