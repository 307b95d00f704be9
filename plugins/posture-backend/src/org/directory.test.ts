import { Entity } from '@backstage/catalog-model';
import { CatalogOrgDirectory, childrenMap, subtree } from './directory';

const group = (name: string, children: string[] = [], relations: string[] = []): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', children },
  relations: relations.map(targetRef => ({ type: 'parentOf', targetRef })),
});

describe('group hierarchy', () => {
  it('walks the subtree breadth first, from relations and spec.children alike', () => {
    const map = childrenMap([
      group('engineering', ['team-a'], ['group:default/team-b']),
      group('team-a', ['squad-x']),
      group('team-b'),
      group('squad-x'),
    ]);
    expect(subtree(map, 'group:default/Engineering')).toEqual([
      'group:default/engineering',
      'group:default/team-a',
      'group:default/team-b',
      'group:default/squad-x',
    ]);
    expect(subtree(map, 'group:default/team-b')).toEqual(['group:default/team-b']);
  });

  it('stops at a cycle instead of looping', () => {
    const map = childrenMap([group('a', ['b']), group('b', ['a'])]);
    expect(subtree(map, 'group:default/a')).toEqual(['group:default/a', 'group:default/b']);
  });

  it('ignores hostile children values', () => {
    const g = group('a');
    (g.spec as any).children = [42, '', 'x'.repeat(600), { toString: () => 'boom' }, 'b'];
    expect(childrenMap([g]).get('group:default/a')).toEqual(['group:default/b']);
  });

  it('reads the catalog once per ttl with the plugin credentials', async () => {
    const getEntities = jest.fn().mockResolvedValue({ items: [group('eng', ['t1'])] });
    const auth = { getOwnServiceCredentials: jest.fn().mockResolvedValue({ principal: { type: 'service' } }) };
    const dir = new CatalogOrgDirectory({ getEntities } as any, auth as any);
    expect(await dir.groupTree('group:default/eng')).toEqual(['group:default/eng', 'group:default/t1']);
    expect(await dir.childGroups('group:default/eng')).toEqual(['group:default/t1']);
    expect(getEntities).toHaveBeenCalledTimes(1);
  });
});
