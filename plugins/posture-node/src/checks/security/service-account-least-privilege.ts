import { Evidence } from '@posture-dev/backstage-plugin-posture-common';
import { defineCheck, fail, notApplicable, pass } from '../../engine/check';
import { kindOf, nameOf } from '../../engine/k8s';
import {
  RISKY_CAPABILITIES,
  bindingsForServiceAccount,
  rbacNotCollected,
  describeRole,
  grantingRules,
  resolveRole,
  ruleEvidence,
  ruleText,
  scopeOf,
} from './_rbac';

export default defineCheck({
  meta: {
    id: 'service-account-least-privilege',
    title: 'ServiceAccount holds no escalation-prone permissions',
    pillar: 'security',
    category: 'Access control',
    severity: 'high',
    rationale:
      'Some permissions lead to others: exec into pods, reading secrets, creating pods (which can mount any ServiceAccount or secret of the namespace), impersonation, bind/escalate on roles and minting tokens each let a compromised pod widen its own access.',
    remediation: {
      text: 'Drop these verbs from the roles bound to the ServiceAccount; read only the named secrets the application needs (resourceNames), and move pod creation to a controller with its own ServiceAccount.',
      patch:
        'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: <app>\nrules:\n  - apiGroups: [""]\n    resources: [secrets]\n    resourceNames: [<app-credentials>]\n    verbs: [get]\n',
    },
    references: {
      kubescape: ['C-0002', 'C-0015', 'C-0065'],
      cis: ['5.1.2', '5.1.4', '5.1.8'],
      nsa: ['Authentication and authorization'],
    },
    defaults:
      'A pod without serviceAccountName runs as "default". A live snapshot without any ClusterRoleBinding did not collect RBAC: not applicable. Bindings count when they name the ServiceAccount or a group every ServiceAccount is in. Reading secrets limited by resourceNames is allowed. Roles missing from the snapshot are skipped, except the Kubernetes default ClusterRoles (admin, edit, view, cluster-admin), judged by their upstream rules.',
  },
  target: 'workload',
  evaluate(w, ctx) {
    if (rbacNotCollected(ctx.index)) return notApplicable('RBAC bindings were not collected from the cluster');
    const sa = ctx.index.serviceAccountName(w);
    const evidence: Evidence[] = [];
    const found = new Set<string>();
    for (const b of bindingsForServiceAccount(ctx.index, w.namespace, sa)) {
      const role = resolveRole(b, ctx.index);
      for (const cap of RISKY_CAPABILITIES) {
        const rules = grantingRules(role.rules, cap);
        if (rules.length === 0) continue;
        found.add(cap.label);
        for (const rule of rules) {
          evidence.push(
            ruleEvidence(
              b,
              role,
              rule,
              `${cap.label} ${scopeOf(b)} via ${kindOf(b)} ${nameOf(b)} → ${describeRole(role)}: ${ruleText(rule)}`,
            ),
          );
        }
      }
    }
    if (found.size === 0) return pass(`ServiceAccount ${sa} holds none of the escalation-prone permissions`);
    return fail(`ServiceAccount ${sa} can ${[...found].join(', ')}`, evidence);
  },
  fixtures: [
    {
      name: 'reading one named secret passes',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec: {serviceAccountName: api, containers: [{name: a, image: a:1}]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: api, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: api}
subjects: [{kind: ServiceAccount, name: api}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: api, namespace: shop}
rules:
  - {apiGroups: [""], resources: [secrets], resourceNames: [api-db], verbs: [get]}
  - {apiGroups: [""], resources: [pods], verbs: [get, list]}`,
    },
    {
      name: 'listing secrets fails',
      expect: 'fail',
      upstream: ['kubescape:C-0015'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec: {serviceAccountName: api, containers: [{name: a, image: a:1}]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: api, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: api}
subjects: [{kind: ServiceAccount, name: api}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: api, namespace: shop}
rules: [{apiGroups: [""], resources: [secrets], verbs: [list]}]`,
    },
    {
      name: 'creating deployments fails',
      expect: 'fail',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: ci, namespace: ci}
spec:
  selector: {matchLabels: {app: ci}}
  template:
    metadata: {labels: {app: ci}}
    spec: {serviceAccountName: runner, containers: [{name: a, image: a:1}]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: runner}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: deployer}
subjects: [{kind: ServiceAccount, name: runner, namespace: ci}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: deployer}
rules: [{apiGroups: [apps], resources: [deployments], verbs: [create, patch]}]`,
    },
    {
      name: 'impersonation and escalate fail',
      expect: 'fail',
      upstream: ['kubescape:C-0065'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: ops}
spec: {serviceAccountName: ops, containers: [{name: a, image: a:1}]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ops}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ops}
subjects: [{kind: ServiceAccount, name: ops, namespace: ops}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: ops}
rules:
  - {apiGroups: [""], resources: [users], verbs: [impersonate]}
  - {apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [escalate]}`,
    },
    {
      name: 'the built-in edit role grants exec and secrets',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec: {serviceAccountName: api, containers: [{name: a, image: a:1}]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: api-edit, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects: [{kind: ServiceAccount, name: api}]`,
    },
    {
      name: 'no bindings at all passes',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec: {containers: [{name: a, image: a:1}]}`,
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
      name: 'reading ConfigMaps passes (kubescape C-0002, C-0015, C-0065: pass)',
      expect: 'pass',
      upstream: ['kubescape:C-0002', 'kubescape:C-0015', 'kubescape:C-0065'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec: {serviceAccountName: api, containers: [{name: a, image: a:1}]}
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
rules: [{apiGroups: [""], resources: [configmaps, pods], verbs: [get, list, watch]}]`,
    },
    {
      name: 'create on pods/exec fails (kubescape C-0002: fail)',
      expect: 'fail',
      upstream: ['kubescape:C-0002'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec: {serviceAccountName: api, containers: [{name: a, image: a:1}]}
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
rules: [{apiGroups: [""], resources: [pods/exec], verbs: [create]}]`,
    },
  ],
});
