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

describe('parseManifests: everything that would be deployed is read', () => {
  it('flattens Lists nested in Lists, in document order, as kubectl does', () => {
    const text = `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: List
    items:
      - {apiVersion: apps/v1, kind: Deployment, metadata: {name: inner}}
  - {apiVersion: v1, kind: ConfigMap, metadata: {name: after}}
`;
    const out = parseManifests(text, 'l.yaml');
    expect(out.errors).toEqual([]);
    expect(out.objects.map(o => o.metadata.name)).toEqual(['inner', 'after']);
  });

  it('reads a 130k-item List without spreading it into a call', () => {
    const items = Array.from({ length: 130_000 }, (_, i) => `{"kind":"ConfigMap","metadata":{"name":"c${i}"}}`);
    const out = parseManifests(`{"apiVersion":"v1","kind":"List","items":[${items.join(',')}]}`, 'big.json');
    expect(out.errors).toEqual([]);
    expect(out.objects).toHaveLength(130_000);
  });

  it('gives a workload named only by generateName a distinct stand-in name', () => {
    const state = { generated: 0 };
    const doc = 'kind: Job\napiVersion: batch/v1\nmetadata: {generateName: migrate-}\n';
    const a = parseManifests(`${doc}---\n${doc}`, 'j.yaml', { state });
    expect(a.objects.map(o => o.metadata.name)).toEqual(['migrate-<generated-1>', 'migrate-<generated-2>']);
    expect(a.objects[0].metadata.generateName).toBe('migrate-');
  });

  it('says a document of only null is null', () => {
    const out = parseManifests('null\n---\n~\n', 'n.yaml');
    expect(out.objects).toEqual([]);
    expect(out.errors.map(e => e.message)).toEqual([
      'document 0 is null: it holds no object',
      'document 1 is null: it holds no object',
    ]);
  });
});

describe('parseManifests: duplicate keys are rejected', () => {
  const text = `kind: Pod
apiVersion: v1
metadata: {name: p}
spec:
  containers:
    - name: c
      securityContext:
        privileged: true
        privileged: false
`;
  it('names the key and its line (fast reader)', () => {
    const out = parseManifests(text, 'd.yaml');
    expect(out.objects).toEqual([]);
    expect(out.errors).toEqual([
      {
        file: 'd.yaml',
        documentIndex: 0,
        line: 9,
        message: 'document 0 has a duplicate key "privileged" at line 9 (kubectl rejects it; remove one of them)',
      },
    ]);
  });

  it('names the key and its line in a later document and through the full reader (aliases)', () => {
    const out = parseManifests(`kind: ConfigMap\nmetadata: {name: a}\n---\nx: &v 1\ny: *v\n${text}`, 'd.yaml');
    expect(out.objects.map(o => o.metadata.name)).toEqual(['a']);
    expect(out.errors[0]).toMatchObject({ documentIndex: 1, line: 14 });
    expect(out.errors[0].message).toContain('duplicate key');
  });

  it('rejects duplicate keys in JSON too', () => {
    const out = parseManifests('{"kind":"Pod","metadata":{"name":"p"},"kind":"Service"}', 'd.json');
    expect(out.objects).toEqual([]);
    expect(out.errors[0].message).toContain('duplicate key "kind"');
  });
});

describe('parseManifests: errors never quote the document', () => {
  const SECRET = 'hunter2-s3cr3t-v4lue';
  it('refuses a collection key without quoting it, and emits no process warning', () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const texts = [
      `kind: Secret\nmetadata: {name: s}\nstringData:\n  ? [${SECRET}]\n  : x\n`,
      `kind: ConfigMap\nmetadata: {name: c}\ndata:\n  [${SECRET}, b]: x\n`,
      `kind: ConfigMap\nmetadata: {name: c}\ndata:\n  {${SECRET}: 1}: x\n`,
    ];
    for (const t of texts) {
      const out = parseManifests(t, 's.yaml');
      expect(out.objects).toEqual([]);
      expect(out.errors).toHaveLength(1);
      expect(out.errors[0].message).toMatch(/mapping key that is a collection/);
      expect(JSON.stringify(out)).not.toContain(SECRET);
    }
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });

  it('does not quote tokens of a malformed Secret', () => {
    for (const t of [
      `kind: Secret\ndata:\n  password: "${SECRET}\n`,
      `kind: Secret\ndata:\n  password: !${SECRET} x\n`,
      `kind: Secret\ndata:\n  password: *${SECRET}\n`,
      `kind: Secret\ndata:\n  password: x\n ${SECRET}: y\n`,
      `kind: Secret\ndata: {${SECRET}: 1, ${SECRET}: 2}\n`,
    ]) {
      const out = parseManifests(t, 's.yaml');
      expect(out.errors.length).toBeGreaterThan(0);
      expect(JSON.stringify(out.errors)).not.toContain(SECRET);
    }
  });
});
