import { parseManifests } from './manifests';
import { scanManifests } from '../scan';

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

/** Ten references to the level below, nine levels deep: 10^9 nodes once expanded. */
function aliasBomb(ref: (key: string, alias: string) => string, open = '{', close = '}'): string {
  const lines = ['kind: ConfigMap', 'metadata: {name: bomb}', 'data:', '  l0: &l0 {"x": "lol"}'];
  for (let n = 1; n <= 9; n++) {
    const refs = Array.from({ length: 10 }, (_, i) => ref(`k${i}`, `*l${n - 1}`));
    lines.push(`  l${n}: &l${n} ${open}${refs.join(',')}${close}`);
  }
  return `${lines.join('\n')}\n`;
}

describe('parseManifests: no document that can expand aliases escapes the alias cap', () => {
  it.each([
    ['JSON-style flow map, alias right after `:`', aliasBomb((k, a) => `"${k}":${a}`)],
    ['flow map, alias after `: `', aliasBomb((k, a) => `${k}: ${a}`)],
    ['flow sequence', aliasBomb((_, a) => a, '[', ']')],
    ['flow sequence of single pairs, alias after `:`', aliasBomb((k, a) => `"${k}":${a}`, '[', ']')],
    ['explicit `? ` entries', aliasBomb((k, a) => `? ${k} : ${a}`)],
  ])('%s: one clear error, quickly', (_, text) => {
    const started = Date.now();
    const out = parseManifests(text, 'bomb.yaml');
    expect(Date.now() - started).toBeLessThan(5000);
    // never print what was read: a failure would try to show a billion nodes
    expect(out.objects.length).toBe(0);
    expect(out.errors).toEqual([
      { file: 'bomb.yaml', documentIndex: 0, message: 'document 0 cannot be read: too many alias expansions' },
    ]);
  });

  it('reads aliases (`- *a`, `k: *a`, `"k":*a`) within the cap', () => {
    const out = parseManifests(
      'kind: ConfigMap\nmetadata: {name: c}\nx: &x 1\ny: &y [a]\nl:\n  - *x\n  - *y\nm: {"k":*x, n: *y}\n',
      'a.yaml',
    );
    expect(out.errors).toEqual([]);
    expect(out.objects[0]).toMatchObject({ l: [1, ['a']], m: { k: 1, n: ['a'] } });
  });

  it('reads a wide mapping through the capped reader in linear time, duplicates still refused', () => {
    // the library's own duplicate check compared each key with every earlier one: over 10 s for this
    const keys = Array.from({ length: 40_000 }, (_, i) => `  k${i}: "1"`).join('\n');
    const text = `kind: ConfigMap\nmetadata: {name: c}\nx: &x 1\ny: *x\ndata:\n${keys}\n`;
    const started = Date.now();
    const out = parseManifests(text);
    expect(Date.now() - started).toBeLessThan(9000);
    expect(out.errors).toEqual([]);
    expect(Object.keys(out.objects[0].data)).toHaveLength(40_000);
    expect(parseManifests(`${text}  k7: "2"\n`).errors.map(e => e.line)).toEqual([40_006]);
  }, 30_000);

  it('the bomb of the security review scans quickly, with a parse error and nothing judged of it', () => {
    const text = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: bomb
  annotations:
${aliasBomb((k, a) => `"${k}":${a}`)
  .split('\n')
  .filter(l => /^ {2}l\d/.test(l))
  .map(l => `  ${l}`)
  .join('\n')}
spec:
  selector: {matchLabels: {app: b}}
  template:
    metadata: {labels: {app: b}}
    spec:
      containers:
      - name: c
        image: nginx:1.25
        env2: {"e":*l9}
`;
    const started = Date.now();
    const report = scanManifests([{ file: 'bomb.yaml', text }]);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(report.objectCount).toBe(0);
    expect(report.parseErrors.map(e => e.message)).toEqual(['document 0 cannot be read: too many alias expansions']);
  });
});

const privileged = (securityContext: string, prelude = '') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: priv}
spec:
  selector: {matchLabels: {app: priv}}
  template:
    metadata: {labels: {app: priv}}
    spec:
      containers:
      - name: base
        image: nginx:1.25${prelude}
      - name: c
        image: nginx:1.25
        securityContext:
${securityContext}
`;

const pssPrivileged = (text: string) => {
  const report = scanManifests([{ file: 'm.yaml', text }], { now: Date.parse('2026-01-01') });
  return {
    parseErrors: report.parseErrors,
    statuses: report.results.filter(r => r.checkId === 'pss-privileged').map(r => r.status),
  };
};

describe('parseManifests: merge keys (<<) are applied, as kubectl applies them', () => {
  it.each([
    ['an inline mapping (no anchors)', '          <<: {privileged: true, allowPrivilegeEscalation: true}', ''],
    ['a flow mapping', '          {<<: {privileged: true}}', ''],
    ['an alias', '          <<: *sc', '\n        x-defaults: &sc {privileged: true}'],
    ['a sequence of aliases and mappings', '          <<: [*sc, {privileged: true}]', '\n        securityContext: &sc {runAsNonRoot: true}'],
    ['an explicit key', '          ? <<\n          : {privileged: true}', ''],
  ])('a privileged container set through %s fails pss-privileged', (_, sc, prelude) => {
    const { parseErrors, statuses } = pssPrivileged(privileged(sc, prelude));
    expect(parseErrors).toEqual([]);
    expect(statuses).toContain('fail');
  });

  it('lets a key written after the merge override it (every YAML reader agrees)', () => {
    const out = parseManifests('kind: ConfigMap\nmetadata: {name: c}\ndata:\n  <<: {a: "1", b: "2"}\n  b: "3"\n');
    expect(out.errors).toEqual([]);
    expect(out.objects[0].data).toEqual({ a: '1', b: '3' });
  });

  it('takes the earlier of merged mappings, as go-yaml does', () => {
    const out = parseManifests('kind: ConfigMap\nmetadata: {name: c}\nx: &x {a: "1"}\ndata: {<<: [*x, {a: "2", b: "2"}]}\n');
    expect(out.errors).toEqual([]);
    expect(out.objects[0].data).toEqual({ a: '1', b: '2' });
  });

  it.each([
    ['a key before the merge', 'privileged: false\n          <<: {privileged: true}'],
    ['two merges', '<<: {privileged: false}\n          <<: {privileged: true}'],
  ])('refuses a merge that sets a key already set by %s (kubectl would take the merged value)', (_, sc) => {
    const out = parseManifests(privileged(`          ${sc}`), 'm.yaml');
    expect(out.objects).toEqual([]);
    expect(out.errors).toEqual([
      {
        file: 'm.yaml',
        documentIndex: 0,
        line: 16,
        message: expect.stringMatching(/^document 0 has a merge key \(<<\) at line 16 that sets a key set before it/),
      },
    ]);
  });

  it('counts a merge of an alias against the alias cap', () => {
    const merges = Array.from({ length: 200 }, (_, i) => `  c${i}: {<<: *b}`).join('\n');
    const out = parseManifests(`kind: ConfigMap\nmetadata: {name: c}\nbase: &b {a: 1}\ndata:\n${merges}\n`);
    expect(out.errors.map(e => e.message)).toEqual(['document 0 cannot be read: too many alias expansions']);
  });

  it.each([
    ['a scalar', 'x: &x 1\ndata: {<<: *x}\n'],
    ['nothing', 'data: {<<: }\n'],
  ])('says a merge of %s is not a mapping', (_, body) => {
    const out = parseManifests(`kind: ConfigMap\nmetadata: {name: c}\n${body}`);
    expect(out.errors.map(e => e.message)).toEqual([
      'document 0 cannot be read: a merge key (<<) takes a mapping, or a list of mappings',
    ]);
  });

  it('reads a quoted "<<" as a plain key, as kubectl does', () => {
    const out = parseManifests('kind: ConfigMap\nmetadata: {name: c}\ndata: {"<<": x}\n');
    expect(out.errors).toEqual([]);
    expect(out.objects[0].data).toEqual({ '<<': 'x' });
  });

  it('refuses a merge key spelled other than `<<`', () => {
    const out = parseManifests('kind: ConfigMap\nmetadata: {name: c}\nx: &x 1\ndata: {!!merge : {a: *x}}\n');
    expect(out.objects).toEqual([]);
    expect(out.errors).toHaveLength(1);
  });
});

describe('parseManifests: Windows line endings', () => {
  const crlf = (s: string) => s.replace(/\n/g, '\r\n');
  it('reads every document of a CRLF stream', () => {
    const out = parseManifests(crlf('kind: ConfigMap\nmetadata: {name: a}\n---\nkind: ConfigMap\nmetadata: {name: b}\n...\n'), 'w.yaml');
    expect(out.errors).toEqual([]);
    expect(out.objects.map(o => o.metadata.name)).toEqual(['a', 'b']);
    expect(out.documents.map(d => d.line)).toEqual([1, 4]);
  });

  it('reports the right lines in CRLF files, through both readers', () => {
    const text = crlf(
      'kind: ConfigMap\nmetadata: {name: a}\n---\nkind: Pod\nmetadata: {name: p}\nspec:\n  x: 1\n  x: 2\n---\na: &a 1\nb: *a\nc: x: y\nd: 1\n',
    );
    const out = parseManifests(text, 'w.yaml');
    expect(out.objects.map(o => o.metadata.name)).toEqual(['a']);
    expect(out.errors.map(e => [e.documentIndex, e.line])).toEqual([
      [1, 8],
      [2, 12],
    ]);
    expect(out.errors[0].message).toBe('document 1 has a duplicate key "x" at line 8 (kubectl rejects it; remove one of them)');
  });
});

describe('parseManifests: kind List', () => {
  it('says when the items of a List are not a list', () => {
    const out = parseManifests('{"kind":"List","items":{"a":1}}\n---\nkind: List\nitems: x\n', 'l.yaml');
    expect(out.objects).toEqual([]);
    expect(out.errors).toEqual([
      { file: 'l.yaml', documentIndex: 0, message: 'document 0: the items of a List are not a list (it is object)' },
      { file: 'l.yaml', documentIndex: 1, message: 'document 1: the items of a List are not a list (it is string)' },
    ]);
  });

  it('reads a List without items, or with null items, as empty (kubectl does)', () => {
    const out = parseManifests('kind: List\n---\nkind: List\nitems: null\n---\nkind: List\nitems: []\n');
    expect(out).toMatchObject({ objects: [], errors: [] });
  });
});

describe('parseManifests: byte order marks', () => {
  it('reads a document whose `---` or first line starts with a BOM', () => {
    const out = parseManifests('\ufeffkind: ConfigMap\nmetadata: {name: a}\n\ufeff---\nkind: ConfigMap\nmetadata: {name: b}\n---\n\ufeffkind: ConfigMap\nmetadata: {name: c}\n', 'b.yaml');
    expect(out.errors).toEqual([]);
    expect(out.objects.map(o => [o.kind, o.metadata.name])).toEqual([
      ['ConfigMap', 'a'],
      ['ConfigMap', 'b'],
      ['ConfigMap', 'c'],
    ]);
  });

  it('refuses a BOM at the start of a line inside a document (go-yaml skips it, and the nesting changes)', () => {
    const text = privileged('\ufeff          privileged: true');
    const out = parseManifests(text, 'b.yaml');
    expect(out.objects).toEqual([]);
    expect(out.errors).toEqual([
      {
        file: 'b.yaml',
        documentIndex: 0,
        line: 15,
        message: 'document 0 has a byte order mark (U+FEFF) at the start of line 15, inside the document: remove it',
      },
    ]);
  });
});
