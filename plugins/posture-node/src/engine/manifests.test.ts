import { parseManifests } from './manifests';

describe('parseManifests', () => {
  it('reads multi-document YAML, JSON and kind: List', () => {
    const text = `apiVersion: v1
kind: Service
metadata: {name: a}
---
# a comment-only document
---
apiVersion: v1
kind: List
items:
  - {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}
  - {apiVersion: v1, kind: ConfigMap, metadata: {name: c}}
`;
    const out = parseManifests(text, 'f.yaml');
    expect(out.errors).toEqual([]);
    expect(out.objects.map(o => o.metadata.name)).toEqual(['a', 'b', 'c']);
    expect(out.origins).toEqual([
      { file: 'f.yaml', documentIndex: 0 },
      { file: 'f.yaml', documentIndex: 2 },
      { file: 'f.yaml', documentIndex: 2 },
    ]);
    expect(parseManifests('{"kind":"Pod","metadata":{"name":"p"}}', 'p.json').objects).toHaveLength(1);
  });

  it('reports an unparsable document by index and keeps the rest', () => {
    const out = parseManifests('kind: Pod\nmetadata: {name: ok}\n---\nkind: [unclosed\n---\nkind: Service\nmetadata: {name: s}\n', 'x.yaml');
    expect(out.objects.map(o => o.kind)).toEqual(['Pod', 'Service']);
    expect(out.errors).toHaveLength(1);
    expect(out.errors[0]).toMatchObject({ file: 'x.yaml', documentIndex: 1 });
  });

  it('reports scalars and lists as non-objects', () => {
    const out = parseManifests('just a string\n---\n- 1\n- 2\n');
    expect(out.objects).toEqual([]);
    expect(out.errors.map(e => e.message)).toEqual([
      expect.stringContaining('not an object (it is string)'),
      expect.stringContaining('not an object (it is a list)'),
    ]);
  });

  it('refuses alias bombs instead of expanding them', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    let prev = 'a';
    for (const n of ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i']) {
      lines.push(`${n}: &${n} [*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev}]`);
      prev = n;
    }
    const out = parseManifests(lines.join('\n'), 'bomb.yaml');
    expect(out.objects).toEqual([]);
    expect(out.errors[0].message).toMatch(/cannot be read|alias/i);
  });
});
