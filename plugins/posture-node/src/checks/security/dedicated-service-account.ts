import { defineCheck, fail, pass } from '../../engine/check';
import { refOf, str } from '../../engine/k8s';

export default defineCheck({
  meta: {
    id: 'dedicated-service-account',
    title: 'Does not run as the default ServiceAccount',
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
      'A pod without serviceAccountName (or the deprecated serviceAccount) runs as "default", so it fails; any other name passes. Whether the named ServiceAccount exists is judged by service-account-exists.',
  },
  target: 'workload',
  evaluate(w, ctx) {
    const sa = ctx.index.serviceAccountName(w);
    // the deprecated serviceAccount field counts only when serviceAccountName is not set
    const field =
      str(w.podSpec.serviceAccountName) || !str(w.podSpec.serviceAccount) ? 'serviceAccountName' : 'serviceAccount';
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
    return pass(`Runs as the ServiceAccount ${sa}, not "default"`, [
      { path, value: sa, ...(object ? { object: refOf(object) } : {}) },
    ]);
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
      name: 'a named ServiceAccount passes whether or not it is in the manifests',
      expect: 'pass',
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
  ],
});
