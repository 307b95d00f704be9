import { result } from '../testUtils/fixtures';
import { fillPatches } from './patches';

const CONTAINER_PATCH = 'spec:\n  template:\n    spec:\n      containers:\n        - name: <container>\n          image: x\n';
const PDB_PATCH = 'kind: PodDisruptionBudget\nmetadata:\n  name: <name>\n  namespace: <namespace>\nspec:\n  selector:\n    matchLabels:\n      app: <name>\n';

describe('fillPatches', () => {
  it('fills the workload, namespace and each failing container', () => {
    const patches = fillPatches(CONTAINER_PATCH, [
      result({ checkId: 'c', evidence: [{ path: 'a', container: 'web' }, { path: 'b', container: 'sidecar' }] }),
    ]);
    expect(patches.map(p => p.label)).toEqual([
      'Deployment shop/checkout, container web (prod-eu)',
      'Deployment shop/checkout, container sidecar (prod-eu)',
    ]);
    expect(patches[0].patch).toContain('- name: web');
    expect(patches[1].patch).toContain('- name: sidecar');
    expect(patches.some(p => p.patch.includes('<container>'))).toBe(false);

    const [pdb] = fillPatches(PDB_PATCH, [result({ checkId: 'pdb' })]);
    expect(pdb.patch).toContain('name: checkout\n  namespace: shop');
    expect(pdb.patch).toContain('app: checkout');
  });

  it('keeps the placeholder for a name that is not a Kubernetes name, and ignores passing results', () => {
    const hostile = result({
      checkId: 'pdb',
      subject: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'x\nkind: ClusterRoleBinding' },
    });
    const [p] = fillPatches(PDB_PATCH, [hostile]);
    expect(p.patch).toContain('name: <name>');
    expect(p.patch).not.toContain('ClusterRoleBinding');
    expect(fillPatches(PDB_PATCH, [result({ checkId: 'pdb', status: 'pass' })])).toEqual([]);
  });

  it('leaves a patch without placeholders to be shown once, as it is', () => {
    expect(fillPatches('spec:\n  replicas: 2\n', [result({ checkId: 'r' })])).toEqual([]);
  });

  it('stops at the limit', () => {
    const many = Array.from({ length: 20 }, (_, i) =>
      result({ checkId: 'pdb', subject: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: `w${i}` } }),
    );
    expect(fillPatches(PDB_PATCH, many, 5)).toHaveLength(5);
  });
});
