import { defineCheck, fail, notApplicable, pass } from '../../engine/check';
import { arr, kindOf, nameOf } from '../../engine/k8s';
import {
  bindsClusterAdmin,
  describeRole,
  isAdminRule,
  managedBindingReason,
  resolveRole,
  ruleEvidence,
  ruleText,
  scopeOf,
} from './_rbac';

export default defineCheck({
  meta: {
    id: 'rbac-binding-not-admin',
    title: 'Binding does not grant cluster-admin',
    pillar: 'security',
    category: 'Access control',
    severity: 'critical',
    rationale:
      'cluster-admin, or any role allowing every verb on every resource in every API group, gives its subjects full control: reading every secret, running any pod, and granting themselves anything else.',
    remediation: {
      text: 'Bind a role that lists the resources and verbs the subject needs instead of cluster-admin or an all-wildcard role.',
      patch:
        'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: <role>\nrules:\n  - apiGroups: [apps]\n    resources: [deployments]\n    verbs: [get, list, watch, patch]\n',
    },
    references: {
      polaris: ['clusterrolebindingClusterAdmin', 'rolebindingClusterAdminClusterRole', 'rolebindingClusterAdminRole'],
      kubescape: ['C-0035'],
      cis: ['5.1.1'],
      nsa: ['Authentication and authorization'],
    },
    defaults:
      'Nothing is defaulted. A binding to the ClusterRole named cluster-admin fails whatever the snapshot says it holds. Otherwise a role counts as admin when one rule has apiGroups "*", resources "*" and verbs "*" (or all of get, list, watch, create, update, patch, delete). A role that is not in the snapshot (and is not a Kubernetes default role) cannot be judged: not applicable. Bindings with a system: name are Kubernetes-managed and not applicable.',
  },
  target: 'object',
  kinds: ['RoleBinding', 'ClusterRoleBinding'],
  evaluate(b, ctx) {
    const managed = managedBindingReason(b);
    if (managed) return notApplicable(managed);
    if (arr(b.subjects).length === 0) return notApplicable(`${kindOf(b)} ${nameOf(b)} binds no subjects`);
    if (bindsClusterAdmin(b)) {
      return fail(`${kindOf(b)} ${nameOf(b)} grants cluster-admin ${scopeOf(b)}`, [
        { path: 'roleRef.name', value: 'cluster-admin' },
      ]);
    }
    const role = resolveRole(b, ctx.index);
    if (role.source === 'missing')
      return notApplicable(`${describeRole(role)} is not in the snapshot, so its rules cannot be judged`);
    const admin = role.rules.filter(isAdminRule);
    if (admin.length === 0) return pass(`${describeRole(role)} does not grant every verb on every resource`);
    return fail(
      `${kindOf(b)} ${nameOf(b)} grants admin-equivalent access ${scopeOf(b)} through ${describeRole(role)}`,
      admin.map(rule => ruleEvidence(b, role, rule, ruleText(rule))),
    );
  },
  fixtures: [
    {
      name: 'binding to a scoped role passes',
      expect: 'pass',
      upstream: ['kubescape:C-0035'],
      yaml: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: b}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: deployer}
subjects: [{kind: ServiceAccount, name: ci, namespace: ci}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: deployer}
rules: [{apiGroups: ["*"], resources: [deployments], verbs: ["*"]}]`,
    },
    {
      name: 'cluster-admin by name fails even when absent from the snapshot',
      expect: 'fail',
      yaml: `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: team}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: ServiceAccount, name: app}]`,
    },
    {
      name: 'a Role listing all seven verbs on everything fails',
      expect: 'fail',
      yaml: `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: team}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: all}
subjects: [{kind: User, name: alice}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: all, namespace: team}
rules: [{apiGroups: ["*"], resources: ["*"], verbs: [watch, get, list, delete, create, update, patch]}]`,
    },
    {
      name: 'an aggregated ClusterRole picks up the wildcard rule of its parts (manifest)',
      expect: 'fail',
      yaml: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: b}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: agg}
subjects: [{kind: User, name: alice}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: agg}
aggregationRule: {clusterRoleSelectors: [{matchLabels: {example.com/aggregate-to-agg: "true"}}]}
rules: []
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: part, labels: {example.com/aggregate-to-agg: "true"}}
rules: [{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}]`,
    },
    {
      name: 'the bootstrap cluster-admin binding of system:masters is not applicable',
      expect: 'not-applicable',
      yaml: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: cluster-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:masters"}]`,
    },
    {
      name: 'a user added to the cluster-admin binding fails',
      expect: 'fail',
      yaml: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: cluster-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects:
  - {apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:masters"}
  - {apiGroup: rbac.authorization.k8s.io, kind: User, name: mallory}`,
    },
    {
      name: 'a role missing from the snapshot is not applicable',
      expect: 'not-applicable',
      yaml: `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: team}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: elsewhere}
subjects: [{kind: User, name: alice}]`,
    },
    {
      name: 'a malformed roleRef does not throw',
      expect: 'not-applicable',
      yaml: `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: team}
roleRef: [1, 2]
subjects: [{kind: User, name: alice}]`,
    },
    {
      name: 'a ClusterRoleBinding to cluster-admin fails (Polaris clusterrolebindingClusterAdmin: fail)',
      expect: 'fail',
      upstream: ['polaris:clusterrolebindingClusterAdmin'],
      yaml: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: b}
subjects: [{kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}]
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}`,
    },
    {
      name: 'a ClusterRoleBinding to a scoped ClusterRole passes (Polaris clusterrolebindingClusterAdmin: pass)',
      expect: 'pass',
      upstream: ['polaris:clusterrolebindingClusterAdmin'],
      yaml: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: b}
subjects: [{kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}]
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader}
rules: [{apiGroups: [""], resources: [pods], verbs: [get, list]}]`,
    },
    {
      name: 'a RoleBinding to cluster-admin fails (Polaris rolebindingClusterAdminClusterRole: fail)',
      expect: 'fail',
      upstream: ['polaris:rolebindingClusterAdminClusterRole'],
      yaml: `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: shop}
subjects: [{kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}]
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}`,
    },
    {
      name: 'a RoleBinding to a scoped ClusterRole passes (Polaris rolebindingClusterAdminClusterRole: pass)',
      expect: 'pass',
      upstream: ['polaris:rolebindingClusterAdminClusterRole'],
      yaml: `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: shop}
subjects: [{kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}]
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader}
rules: [{apiGroups: [""], resources: [pods], verbs: [get, list]}]`,
    },
    {
      name: 'a RoleBinding to a Role allowing everything fails (Polaris rolebindingClusterAdminRole: fail)',
      expect: 'fail',
      upstream: ['polaris:rolebindingClusterAdminRole', 'kubescape:C-0035'],
      yaml: `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: shop}
subjects: [{kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}]
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: everything}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: everything, namespace: shop}
rules: [{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}]`,
    },
    {
      name: 'a RoleBinding to a scoped Role passes (Polaris rolebindingClusterAdminRole: pass)',
      expect: 'pass',
      upstream: ['polaris:rolebindingClusterAdminRole'],
      yaml: `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: shop}
subjects: [{kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}]
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: shop}
rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]`,
    },
  ],
});
