import { defineCheck, fail, notApplicable, pass } from '../../engine/check';
import { refOf, str } from '../../engine/k8s';

export default defineCheck({
  meta: {
    id: 'dedicated-service-account',
    title: 'Runs as a dedicated ServiceAccount',
    pillar: 'security',
    category: 'Access control',
    severity: 'medium',
    rationale:
      'Every pod that names no ServiceAccount shares "default": a permission granted for one of them is granted to all, and their API calls cannot be told apart in audit logs. A dedicated ServiceAccount scopes RBAC and workload identity to one application.',
    remediation: {
      text: 'Create a ServiceAccount for the workload (with automountServiceAccountToken: false unless it calls the API) and set serviceAccountName to it.',
      patch: 'spec:\n  template:\n    spec:\n      serviceAccountName: <app>\n',
    },
    references: {
      cis: ['5.1.5'],
      nsa: ['Authentication and authorization'],
    },
    defaults:
      'A pod without serviceAccountName (or the deprecated serviceAccount) runs as "default", so it fails. A named ServiceAccount must exist in the snapshot: the API server refuses pods whose ServiceAccount is missing, so in manifests it should be shipped alongside the workload. A live snapshot without any ServiceAccount did not collect them: not applicable.',
  },
  target: 'workload',
  evaluate(w, ctx) {
    const sa = ctx.index.serviceAccountName(w);
    const field = str(w.podSpec.serviceAccountName)
      ? 'serviceAccountName'
      : str(w.podSpec.serviceAccount)
        ? 'serviceAccount'
        : 'serviceAccountName';
    const path = `${w.podSpecPath}.${field}`;
    if (sa === 'default') {
      const explicit = str(w.podSpec[field]) === 'default';
      return fail(
        explicit
          ? 'The pod runs as the namespace\'s "default" ServiceAccount'
          : 'No serviceAccountName: the pod runs as the namespace\'s "default" ServiceAccount',
        [{ path, value: explicit ? 'default' : '(unset: default)' }],
      );
    }
    const object = ctx.index.get('ServiceAccount', w.namespace, sa);
    // every live namespace has a ServiceAccount, so none at all means they were not collected
    if (!object && ctx.mode === 'live' && ctx.index.ofKind('ServiceAccount').length === 0)
      return notApplicable('ServiceAccounts were not collected from the cluster');
    if (!object) {
      return fail(
        ctx.mode === 'manifest'
          ? `ServiceAccount ${sa} is referenced but not defined in these manifests; pods cannot start until it exists in namespace ${w.namespace}`
          : `ServiceAccount ${sa} does not exist in namespace ${w.namespace}; pods cannot be created`,
        [{ path, value: sa, detail: 'ServiceAccount not found' }],
      );
    }
    return pass(`Runs as the dedicated ServiceAccount ${sa}`, [{ path, value: sa, object: refOf(object) }]);
  },
  fixtures: [
    {
      name: 'a named ServiceAccount that exists passes',
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
      name: 'no serviceAccountName fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec: {containers: [{name: a, image: a:1}]}`,
    },
    {
      name: 'serviceAccountName: default fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec: {serviceAccountName: default, containers: [{name: a, image: a:1}]}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: default}`,
    },
    {
      name: 'a referenced ServiceAccount missing from the manifests fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec: {serviceAccountName: api, containers: [{name: a, image: a:1}]}`,
    },
    {
      name: 'the deprecated serviceAccount field is honoured',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec: {serviceAccount: api, containers: [{name: a, image: a:1}]}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: api}`,
    },
    {
      name: 'a non-string serviceAccountName counts as unset',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec: {serviceAccountName: [api], containers: [{name: a, image: a:1}]}`,
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
