import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { COLLECTED_KINDS } from './kinds';

describe('deploy/rbac.yaml', () => {
  const docs = parseAllDocuments(
    fs.readFileSync(path.resolve(__dirname, '../../../../deploy/rbac.yaml'), 'utf8'),
  ).map(d => d.toJS());
  const role = docs.find(d => d.kind === 'ClusterRole');

  const granted = new Set<string>();
  for (const rule of role.rules) {
    expect([...rule.verbs].sort()).toEqual(['get', 'list', 'watch']);
    for (const g of rule.apiGroups) for (const r of rule.resources) granted.add(`${g}/${r}`);
  }

  it('grants read access to exactly the kinds the collector lists', () => {
    const collected = new Set(COLLECTED_KINDS.map(k => `${k.group}/${k.resource}`));
    expect([...granted].sort()).toEqual([...collected].sort());
  });

  it('reads no Secrets, and the collector does not list them either', () => {
    expect([...granted].some(g => g.endsWith('/secrets') || g.endsWith('/*'))).toBe(false);
    expect(COLLECTED_KINDS.some(k => k.resource === 'secrets')).toBe(false);
  });

  it('binds the role to the posture ServiceAccount', () => {
    const binding = docs.find(d => d.kind === 'ClusterRoleBinding');
    expect(binding.roleRef).toMatchObject({ kind: 'ClusterRole', name: role.metadata.name });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'posture-reader', namespace: 'posture-system' }]);
  });
});
