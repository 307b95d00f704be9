import { defineCheck, fail, notApplicable, pass } from '../../engine/check';
import { arr, kindOf, nameOf } from '../../engine/k8s';
import {
  POD_EXEC,
  describeRole,
  grantingRules,
  managedBindingReason,
  resolveRole,
  ruleEvidence,
  ruleText,
  scopeOf,
} from './_rbac';

export default defineCheck({
  meta: {
    id: 'rbac-binding-no-pod-exec',
    title: 'Binding does not grant exec or attach into pods',
    pillar: 'security',
    category: 'Access control',
    severity: 'high',
    rationale:
      'pods/exec and pods/attach run commands inside any pod the subject can reach, with that pod\'s identity, mounted secrets and network position. Few subjects need it outside break-glass access.',
    remediation: {
      text: 'Bind a role without pods/exec and pods/attach (create or get), or limit the binding to the people who need interactive access.',
      patch:
        'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: <role>\nrules:\n  - apiGroups: [""]\n    resources: [pods, pods/log]\n    verbs: [get, list, watch]\n',
    },
    references: {
      polaris: ['clusterrolebindingPodExecAttach', 'rolebindingClusterRolePodExecAttach', 'rolebindingRolePodExecAttach'],
      kubescape: ['C-0002'],
      nsa: ['Authentication and authorization'],
    },
    defaults:
      'Nothing is defaulted. A binding whose role is not in the snapshot fails: it cannot be verified, and in a cluster a binding to a missing role is dangling (whoever later creates a role of that name grants it to these subjects). The default ClusterRoles admin, edit, view and cluster-admin are judged by their upstream rules when absent. Bindings with a system: name are Kubernetes-managed and not applicable. A live snapshot without any ClusterRole did not collect roles: not applicable.',
  },
  target: 'object',
  kinds: ['RoleBinding', 'ClusterRoleBinding'],
  evaluate(b, ctx) {
    const managed = managedBindingReason(b);
    if (managed) return notApplicable(managed);
    if (arr(b.subjects).length === 0) return notApplicable(`${kindOf(b)} ${nameOf(b)} binds no subjects`);
    const role = resolveRole(b, ctx.index);
    if (role.source === 'missing') {
      // a live cluster always has ClusterRoles: none at all means roles were not collected
      if (ctx.mode === 'live' && ctx.index.ofKind('ClusterRole').length === 0)
        return notApplicable('Roles were not collected from the cluster, so the binding cannot be judged');
      return fail(
        `${describeRole(role)} is not in the snapshot, so what this binding grants cannot be verified; a binding to a missing role is dangling`,
        [{ path: 'roleRef.name', value: role.name || '(unset)', detail: 'role not found' }],
      );
    }
    const granting = grantingRules(role.rules, POD_EXEC);
    if (granting.length === 0) return pass(`${describeRole(role)} does not allow pods/exec or pods/attach`);
    return fail(
      `${kindOf(b)} ${nameOf(b)} grants exec/attach into pods ${scopeOf(b)} through ${describeRole(role)}`,
      granting.map(rule => ruleEvidence(b, role, rule, ruleText(rule))),
    );
  },
  fixtures: [
    {
      name: 'binding to a role that reads pods passes',
      expect: 'pass',
      upstream: ['kubescape:C-0002'],
      yaml: `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: team}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
subjects: [{kind: ServiceAccount, name: app}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: team}
rules: [{apiGroups: [""], resources: [pods, pods/log], verbs: [get, list]}]`,
    },
    {
      name: 'create on pods/exec fails',
      expect: 'fail',
      upstream: ['kubescape:C-0002'],
      yaml: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: b}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: debug}
subjects: [{kind: User, name: alice}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: debug}
rules: [{apiGroups: [""], resources: [pods/exec], verbs: [create]}]`,
    },
    {
      name: 'get on */attach fails (subresource wildcard)',
      expect: 'fail',
      yaml: `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: team}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}
subjects: [{kind: User, name: alice}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: r, namespace: team}
rules: [{apiGroups: [""], resources: ["*/attach"], verbs: [get]}]`,
    },
    {
      name: 'the built-in edit role grants exec',
      expect: 'fail',
      yaml: `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: team}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects: [{kind: Group, name: devs}]`,
    },
    {
      name: 'the built-in view role does not',
      expect: 'pass',
      yaml: `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: team}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{kind: Group, name: devs}]`,
    },
    {
      name: 'a role missing from the snapshot fails',
      expect: 'fail',
      yaml: `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: team}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: nowhere}
subjects: [{kind: User, name: alice}]`,
    },
    {
      name: 'a system: binding is not applicable',
      expect: 'not-applicable',
      yaml: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: "system:controller:foo"}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: ServiceAccount, name: foo, namespace: kube-system}]`,
    },
    {
      name: 'a binding without subjects is not applicable',
      expect: 'not-applicable',
      yaml: `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: team}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}`,
    },
    {
      name: 'rules of the wrong types are ignored, not thrown',
      expect: 'pass',
      yaml: `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: team}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}
subjects: [{kind: User, name: alice}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: r, namespace: team}
rules: [7, {apiGroups: "", resources: {a: 1}, verbs: [create]}]`,
    },
    {
      name: 'live: roles not collected at all is not applicable',
      expect: 'not-applicable',
      mode: 'live',
      yaml: `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: team}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: nowhere}
subjects: [{kind: User, name: alice}]`,
    },
    {
      name: 'a ClusterRoleBinding to an exec ClusterRole fails (Polaris clusterrolebindingPodExecAttach: fail)',
      expect: 'fail',
      upstream: ['polaris:clusterrolebindingPodExecAttach'],
      yaml: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: b}
subjects: [{kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}]
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: debugger}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: debugger}
rules: [{apiGroups: [""], resources: [pods/exec, pods/attach], verbs: [create]}]`,
    },
    {
      name: 'a ClusterRoleBinding to a read-only ClusterRole passes (Polaris clusterrolebindingPodExecAttach: pass)',
      expect: 'pass',
      upstream: ['polaris:clusterrolebindingPodExecAttach'],
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
      name: 'a RoleBinding to an exec ClusterRole fails (Polaris rolebindingClusterRolePodExecAttach: fail)',
      expect: 'fail',
      upstream: ['polaris:rolebindingClusterRolePodExecAttach'],
      yaml: `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: shop}
subjects: [{kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}]
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: debugger}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: debugger}
rules: [{apiGroups: [""], resources: [pods/exec, pods/attach], verbs: [create]}]`,
    },
    {
      name: 'a RoleBinding to a read-only ClusterRole passes (Polaris rolebindingClusterRolePodExecAttach: pass)',
      expect: 'pass',
      upstream: ['polaris:rolebindingClusterRolePodExecAttach'],
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
      name: 'a RoleBinding to an exec Role fails (Polaris rolebindingRolePodExecAttach: fail)',
      expect: 'fail',
      upstream: ['polaris:rolebindingRolePodExecAttach'],
      yaml: `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: shop}
subjects: [{kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}]
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: debugger}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: debugger, namespace: shop}
rules: [{apiGroups: [""], resources: [pods/exec], verbs: [create]}]`,
    },
    {
      name: 'a RoleBinding to a read-only Role passes (Polaris rolebindingRolePodExecAttach: pass)',
      expect: 'pass',
      upstream: ['polaris:rolebindingRolePodExecAttach'],
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
