import { defineCheck, fail, notApplicable, pass } from '../../engine/check';
import { refOf, str } from '../../engine/k8s';

export default defineCheck({
  meta: {
    id: 'service-account-exists',
    title: 'The ServiceAccount the pods run as exists',
    pillar: 'security',
    category: 'Access control',
    severity: 'medium',
    rationale:
      'The API server refuses to create a pod whose ServiceAccount does not exist, so a workload naming a missing account never starts its pods: a rollout stalls and a scale-out adds nothing.',
    remediation: {
      text: 'Create the ServiceAccount in the workload\'s namespace, or correct serviceAccountName.',
      patch: 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: <app>\nautomountServiceAccountToken: false\n',
    },
    references: {},
    defaults:
      'A pod without serviceAccountName runs as "default", which every namespace has: not applicable (see dedicated-service-account). Live: the named ServiceAccount must exist in the namespace; a snapshot without any ServiceAccount did not collect them and is not applicable. Manifests: a scan sees only part of what the cluster will hold, so a ServiceAccount defined elsewhere is not a defect: it passes when defined alongside and is not applicable when not.',
  },
  target: 'workload',
  evaluate(w, ctx) {
    const sa = ctx.index.serviceAccountName(w);
    if (sa === 'default') return notApplicable('Runs as the "default" ServiceAccount, which every namespace has');
    const field = str(w.podSpec.serviceAccountName) ? 'serviceAccountName' : 'serviceAccount';
    const path = `${w.podSpecPath}.${field}`;
    const object = ctx.index.get('ServiceAccount', w.namespace, sa);
    if (object) return pass(`ServiceAccount ${sa} exists in namespace ${w.namespace}`, [{ path, value: sa, object: refOf(object) }]);
    if (ctx.mode === 'manifest')
      return notApplicable(`ServiceAccount ${sa} is not in these manifests; it may be defined elsewhere`);
    // every live namespace has a ServiceAccount, so none at all means they were not collected
    if (ctx.index.ofKind('ServiceAccount').length === 0)
      return notApplicable('ServiceAccounts were not collected from the cluster');
    return fail(`ServiceAccount ${sa} does not exist in namespace ${w.namespace}; pods cannot be created`, [
      { path, value: sa, detail: 'ServiceAccount not found' },
    ]);
  },
  fixtures: [
    {
      name: 'a ServiceAccount shipped alongside passes',
      expect: 'pass',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {serviceAccountName: api, containers: [{name: api, image: api:1}]}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: api, namespace: shop}`,
    },
    {
      name: 'manifests: a ServiceAccount defined elsewhere is not applicable',
      expect: 'not-applicable',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec: {serviceAccountName: api, containers: [{name: a, image: a:1}]}`,
    },
    {
      name: 'the default ServiceAccount is not applicable',
      expect: 'not-applicable',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec: {containers: [{name: a, image: a:1}]}`,
    },
    {
      name: 'live: a missing ServiceAccount fails when ServiceAccounts were collected',
      expect: 'fail',
      mode: 'live',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec: {serviceAccountName: api, containers: [{name: a, image: a:1}]}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: default, namespace: shop}`,
    },
    {
      name: 'live: an existing ServiceAccount passes',
      expect: 'pass',
      mode: 'live',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec: {serviceAccount: api, containers: [{name: a, image: a:1}]}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: api, namespace: shop}`,
    },
    {
      name: 'live: no ServiceAccount collected at all is not applicable',
      expect: 'not-applicable',
      mode: 'live',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec: {serviceAccountName: api, containers: [{name: a, image: a:1}]}`,
    },
  ],
});
