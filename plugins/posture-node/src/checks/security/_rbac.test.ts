import { SnapshotIndex } from '../../engine/snapshotIndex';
import { parseManifests } from '../../engine/manifests';
import { Rule, bindingsForServiceAccount, isAdminRule, ruleAllows } from './_rbac';

const rule = (apiGroups: string[], resources: string[], verbs: string[]): Rule => ({
  apiGroups,
  resources,
  verbs,
  resourceNames: [],
  index: 0,
});

describe('ruleAllows', () => {
  const exec = { group: '', resource: 'pods/exec', verbs: ['create', 'get'] };
  it.each([
    [rule([''], ['pods/exec'], ['create']), true],
    [rule(['*'], ['pods/exec'], ['get']), true],
    [rule([''], ['*'], ['*']), true],
    [rule([''], ['*/exec'], ['create']), true],
    [rule([''], ['pods'], ['create']), false], // the subresource needs its own grant
    [rule([''], ['pods/exec'], ['list']), false],
    [rule(['apps'], ['pods/exec'], ['create']), false],
    [rule([''], ['pods/*'], ['create']), false], // RBAC has no resource/* wildcard
  ])('%j → %s', (r, expected) => expect(ruleAllows(r, exec)).toBe(expected));
});

describe('isAdminRule', () => {
  it('needs every group, every resource and every verb', () => {
    expect(isAdminRule(rule(['*'], ['*'], ['*']))).toBe(true);
    expect(isAdminRule(rule(['*'], ['*'], ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete']))).toBe(true);
    expect(isAdminRule(rule(['*'], ['*'], ['get', 'list']))).toBe(false);
    expect(isAdminRule(rule([''], ['*'], ['*']))).toBe(false);
  });
});

describe('bindingsForServiceAccount', () => {
  it('finds bindings by ServiceAccount subject and by the groups every ServiceAccount is in, once each', () => {
    const { objects } = parseManifests(`apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: direct, namespace: shop}
roleRef: {kind: Role, name: r}
subjects: [{kind: ServiceAccount, name: api}, {kind: Group, name: "system:serviceaccounts"}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ns-group}
roleRef: {kind: ClusterRole, name: c}
subjects: [{kind: Group, name: "system:serviceaccounts:shop"}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: other-ns}
roleRef: {kind: ClusterRole, name: c}
subjects: [{kind: Group, name: "system:serviceaccounts:billing"}, {kind: ServiceAccount, name: api, namespace: billing}]`);
    const index = new SnapshotIndex({ objects, mode: 'manifest' });
    const names = bindingsForServiceAccount(index, 'shop', 'api').map(b => b.metadata.name).sort();
    expect(names).toEqual(['direct', 'ns-group']);
  });
});
