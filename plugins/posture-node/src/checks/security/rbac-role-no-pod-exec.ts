import { defineCheck, fail, notApplicable, pass } from '../../engine/check';
import { kindOf, nameOf, refOf } from '../../engine/k8s';
import { POD_EXEC, effectiveRules, grantingRules, managedRoleReason, ruleText } from './_rbac';

export default defineCheck({
  meta: {
    id: 'rbac-role-no-pod-exec',
    title: 'Role does not allow exec or attach into pods',
    pillar: 'security',
    category: 'Access control',
    severity: 'medium',
    rationale:
      'A role that allows pods/exec or pods/attach hands a shell in running pods to whoever it is bound to, now or later. Keeping such roles rare and deliberate keeps the exec surface reviewable.',
    remediation: {
      text: 'Remove pods/exec and pods/attach (create and get) from the role, or keep them in a separate break-glass role.',
      patch:
        'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: <role>\nrules:\n  - apiGroups: [""]\n    resources: [pods, pods/log]\n    verbs: [get, list, watch]\n',
    },
    references: {
      polaris: ['clusterrolePodExecAttach', 'rolePodExecAttach'],
    },
    defaults:
      'Nothing is defaulted. An aggregated ClusterRole in manifests is judged with the rules of the ClusterRoles it selects (a live API server has already filled them in). Roles with a system: name and the Kubernetes default ClusterRoles (admin, edit, view, cluster-admin) are not applicable: bindings to them are judged by rbac-binding-no-pod-exec.',
  },
  target: 'object',
  kinds: ['Role', 'ClusterRole'],
  evaluate(role, ctx) {
    const managed = managedRoleReason(role);
    if (managed) return notApplicable(managed);
    const granting = grantingRules(effectiveRules(role, ctx.index), POD_EXEC);
    if (granting.length === 0) return pass('The role does not allow pods/exec or pods/attach');
    return fail(
      `${kindOf(role)} ${nameOf(role)} allows exec/attach into pods`,
      granting.map(rule =>
        // an aggregated rule is evidenced where it is written: in the selected ClusterRole
        rule.from
          ? { path: `rules[${rule.index}]`, object: refOf(rule.from), detail: `aggregated: ${ruleText(rule)}` }
          : { path: `rules[${rule.index}]`, detail: ruleText(rule) },
      ),
    );
  },
  fixtures: [
    {
      name: 'list on pods/exec passes',
      expect: 'pass',
      yaml: `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: r, namespace: team}
rules: [{apiGroups: [""], resources: [pods/exec], verbs: [list]}]`,
    },
    {
      name: 'resource wildcard with get fails',
      expect: 'fail',
      yaml: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: r}
rules: [{apiGroups: [""], resources: ["*"], verbs: [get]}]`,
    },
    {
      name: 'exec in another API group only passes',
      expect: 'pass',
      yaml: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: r}
rules: [{apiGroups: [apps], resources: ["*"], verbs: ["*"]}]`,
    },
    {
      name: 'a Kubernetes default ClusterRole is not applicable',
      expect: 'not-applicable',
      yaml: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: edit}
rules: [{apiGroups: [""], resources: [pods/exec], verbs: [create]}]`,
    },
    {
      name: 'a namespaced Role named admin is judged',
      expect: 'fail',
      yaml: `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: admin, namespace: team}
rules: [{apiGroups: ["*"], resources: [pods/attach], verbs: [create]}]`,
    },
    {
      name: 'rules that are not a list pass without throwing',
      expect: 'pass',
      yaml: `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: r, namespace: team}
rules: {apiGroups: ["*"]}`,
    },
    {
      name: 'a ClusterRole allowing exec fails (Polaris clusterrolePodExecAttach: fail)',
      expect: 'fail',
      upstream: ['polaris:clusterrolePodExecAttach'],
      yaml: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: debugger}
rules: [{apiGroups: [""], resources: [pods/exec, pods/attach], verbs: [create]}]`,
    },
    {
      name: 'a read-only ClusterRole passes (Polaris clusterrolePodExecAttach: pass)',
      expect: 'pass',
      upstream: ['polaris:clusterrolePodExecAttach'],
      yaml: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader}
rules: [{apiGroups: [""], resources: [pods], verbs: [get, list]}]`,
    },
    {
      name: 'a Role allowing exec fails (Polaris rolePodExecAttach: fail)',
      expect: 'fail',
      upstream: ['polaris:rolePodExecAttach'],
      yaml: `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: debugger, namespace: shop}
rules: [{apiGroups: [""], resources: [pods/exec], verbs: [create]}]`,
    },
    {
      name: 'a read-only Role passes (Polaris rolePodExecAttach: pass)',
      expect: 'pass',
      upstream: ['polaris:rolePodExecAttach'],
      yaml: `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: shop}
rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]`,
    },
  ],
});
