import { defineCheck, fail, notApplicable, pass } from '../../engine/check';
import { obj, str } from '../../engine/k8s';

export default defineCheck({
  meta: {
    id: 'not-default-namespace',
    title: 'Not deployed in the default namespace',
    pillar: 'security',
    category: 'Isolation',
    severity: 'low',
    rationale:
      'The default namespace is shared by everything nobody placed elsewhere: RBAC, NetworkPolicies, quotas and Pod Security levels cannot be scoped to one application there.',
    remediation: {
      text: 'Create a namespace for the application (or team) and deploy into it.',
      patch: 'metadata:\n  namespace: <app>\n',
    },
    references: {
      kubescape: ['C-0061', 'C-0212'],
      cis: ['5.7.1', '5.7.4'],
    },
    defaults:
      'A manifest without metadata.namespace goes to the namespace chosen at apply time (kubectl -n, Helm --namespace, Argo CD destination), which the manifest does not show: not applicable. Only an explicit namespace "default" fails; live objects always carry their namespace.',
  },
  target: 'workload',
  evaluate(w) {
    const ns = str(obj(w.object.metadata)?.namespace);
    if (!ns) return notApplicable('metadata.namespace is not set: the namespace is chosen when the manifest is applied');
    if (ns === 'default')
      return fail('The workload runs in the default namespace', [{ path: 'metadata.namespace', value: ns }]);
    return pass(`Runs in namespace ${ns}`, [{ path: 'metadata.namespace', value: ns }]);
  },
  fixtures: [
    {
      name: 'a dedicated namespace passes',
      expect: 'pass',
      upstream: ['kubescape:C-0061', 'kubescape:C-0212'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec: {containers: [{name: a, image: a:1}]}`,
    },
    {
      name: 'namespace default fails',
      expect: 'fail',
      upstream: ['kubescape:C-0061', 'kubescape:C-0212'],
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: d, namespace: default}
spec:
  selector: {matchLabels: {app: d}}
  template:
    metadata: {labels: {app: d}}
    spec: {containers: [{name: a, image: a:1}]}`,
    },
    {
      name: 'no namespace in a manifest is not applicable',
      expect: 'not-applicable',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec: {containers: [{name: a, image: a:1}]}`,
    },
  ],
});
