import { Evidence } from '@posture-dev/backstage-plugin-posture-common';
import { defineCheck, fail, notApplicable, pass } from '../../engine/check';
import { kindOf, nameOf, refOf } from '../../engine/k8s';
import {
  Rule,
  bindingsForServiceAccount,
  rbacNotCollected,
  bindsClusterAdmin,
  describeRole,
  isAdminRule,
  resolveRole,
  ruleEvidence,
  ruleText,
  scopeOf,
} from './_rbac';

/** A rule with `*` in its API groups, resources or verbs (CIS 5.1.3). */
const isWildcardRule = (rule: Rule) =>
  rule.apiGroups.includes('*') || rule.resources.includes('*') || rule.verbs.includes('*');

export default defineCheck({
  meta: {
    id: 'service-account-not-admin',
    title: 'ServiceAccount is not bound to cluster-admin or wildcard rules',
    pillar: 'security',
    category: 'Access control',
    severity: 'critical',
    rationale:
      'Whoever compromises the pod acts as its ServiceAccount. Bound to cluster-admin or to a rule with wildcards, a single application bug becomes control over the namespace or the cluster.',
    remediation: {
      text: 'Bind the ServiceAccount to a role that lists the API groups, resources and verbs the application uses, without "*".',
      patch:
        'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: <app>\nrules:\n  - apiGroups: [""]\n    resources: [configmaps]\n    verbs: [get, watch]\n',
    },
    references: {
      kubescape: ['C-0035'],
      cis: ['5.1.1', '5.1.3'],
      nsa: ['Authentication and authorization'],
    },
    defaults:
      'A pod without serviceAccountName runs as "default". A live snapshot without any ClusterRoleBinding did not collect RBAC: not applicable. Bindings count when they name the ServiceAccount or a group every ServiceAccount is in (system:serviceaccounts, system:serviceaccounts:<namespace>, system:authenticated). Roles missing from the snapshot are skipped, except the Kubernetes default ClusterRoles, judged by their upstream rules; a binding to cluster-admin fails by name.',
  },
  target: 'workload',
  evaluate(w, ctx) {
    if (rbacNotCollected(ctx.index)) return notApplicable('RBAC bindings were not collected from the cluster');
    const sa = ctx.index.serviceAccountName(w);
    const findings: Evidence[] = [];
    const labels: string[] = [];
    for (const b of bindingsForServiceAccount(ctx.index, w.namespace, sa)) {
      const where = `${kindOf(b)} ${nameOf(b)}`;
      if (bindsClusterAdmin(b)) {
        findings.push({ path: 'roleRef.name', value: 'cluster-admin', object: refOf(b), detail: `cluster-admin ${scopeOf(b)}` });
        labels.push(`cluster-admin ${scopeOf(b)} (${where})`);
        continue;
      }
      const role = resolveRole(b, ctx.index);
      const bad = role.rules.filter(isWildcardRule);
      if (bad.length === 0) continue;
      const admin = bad.some(isAdminRule);
      labels.push(`${admin ? 'admin-equivalent' : 'wildcard'} rules of ${describeRole(role)} ${scopeOf(b)} (${where})`);
      for (const rule of bad) findings.push(ruleEvidence(b, role, rule, `${where}: ${ruleText(rule)}`));
    }
    if (findings.length === 0)
      return pass(`ServiceAccount ${sa} is not bound to cluster-admin or to rules with wildcards`);
    return fail(`ServiceAccount ${sa} is bound to ${labels.join('; ')}`, findings);
  },
  fixtures: [
    {
      name: 'a narrowly bound ServiceAccount passes',
      expect: 'pass',
      upstream: ['kubescape:C-0035'],
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {serviceAccountName: api, containers: [{name: api, image: api:1}]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: api, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: api}
subjects: [{kind: ServiceAccount, name: api, namespace: shop}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: api, namespace: shop}
rules: [{apiGroups: [""], resources: [configmaps], verbs: [get, watch]}]`,
    },
    {
      name: 'bound to cluster-admin fails',
      expect: 'fail',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {serviceAccountName: api, containers: [{name: api, image: api:1}]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: api-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: ServiceAccount, name: api, namespace: shop}]`,
    },
    {
      name: 'a verb wildcard on one resource fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec: {serviceAccountName: worker, containers: [{name: a, image: a:1}]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: worker, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: worker}
subjects: [{kind: ServiceAccount, name: worker}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: worker, namespace: shop}
rules: [{apiGroups: [""], resources: [configmaps], verbs: ["*"]}]`,
    },
    {
      name: 'a wildcard granted to every ServiceAccount of the namespace fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec: {containers: [{name: a, image: a:1}]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: all-sas}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: everything}
subjects: [{kind: Group, name: "system:serviceaccounts:shop"}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: everything}
rules: [{apiGroups: ["*"], resources: ["*"], verbs: [get]}]`,
    },
    {
      name: 'a binding for a ServiceAccount of another namespace does not count',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec: {serviceAccountName: api, containers: [{name: a, image: a:1}]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: other}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: ServiceAccount, name: api, namespace: billing}]`,
    },
    {
      name: 'a live snapshot without any ClusterRoleBinding was not collected: not applicable',
      expect: 'not-applicable',
      mode: 'live',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec: {containers: [{name: a, image: a:1}]}`,
    },
    {
      name: 'bound to a ClusterRole with every verb on every resource fails (kubescape C-0035: fail)',
      expect: 'fail',
      upstream: ['kubescape:C-0035'],
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {serviceAccountName: api, containers: [{name: api, image: api:1}]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: api-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: superuser}
subjects: [{kind: ServiceAccount, name: api, namespace: shop}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: superuser}
rules: [{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}]`,
    },
  ],
});
