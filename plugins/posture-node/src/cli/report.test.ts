import fs from 'node:fs';
import path from 'node:path';
import { CheckResult, ObjectRef } from '@posture-dev/backstage-plugin-posture-common';
import { scanManifests } from '../scan';
import { jsonDocument } from './jsonStream';
import { ReportContext, buildJsonReport, lazyJsonReport, renderJsonReport, resultJson } from './report';
import { renderTable, renderTablePieces } from './formats/table';
import { renderSarif } from './formats/sarif';

const EXAMPLES = path.resolve(__dirname, '../../../../examples/cluster');

function examples(): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  for (const dir of fs.readdirSync(EXAMPLES, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const f of fs.readdirSync(path.join(EXAMPLES, dir.name)).sort()) {
      if (f.endsWith('.yaml')) out.push({ file: `${dir.name}/${f}`, text: fs.readFileSync(path.join(EXAMPLES, dir.name, f), 'utf8') });
    }
  }
  return out;
}

// names and values a hostile manifest can carry into results: control characters, quotes, backslashes,
// line and paragraph separators, astral characters; and a self-exemption, which takes the slow path
const HOSTILE = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: "evil\\u0007\\u001b[31m\\u2028name"
  namespace: "ns\\"quoted\\\\"
  annotations:
    posture.backstage.io/exempt: "pss-run-as-non-root"
    posture.backstage.io/exempt-reason: "TICKET-1: migrating the image to a non-root user 😀"
spec:
  replicas: 1
  selector: {matchLabels: {app: "x\\ny"}}
  template:
    metadata: {labels: {app: "x\\ny"}}
    spec:
      containers:
        - name: "c\\u0000\\t1"
          image: "reg.example/app:latest\\u0085"
          env: [{name: PASSWORD, value: "hunter2-not-a-secret?"}]
          securityContext: {privileged: true}
---
apiVersion: batch/v1
kind: Job
metadata: {generateName: "gen-"}
spec:
  template:
    spec:
      restartPolicy: Never
      hostPID: true
      containers: [{name: j, image: busybox}]
`;

function context(scan: ReturnType<typeof scanManifests>): ReportContext {
  return {
    version: '0.0.0-test',
    files: scan.documentLines.map(f => ({ file: f.file ?? '', documentLines: f.lines })),
    problems: [{ file: 'broken.yaml', message: 'a problem\nwith a newline' }],
  };
}

/** The pieces' text; byte pieces are joined before they are decoded, so a character split between two would show. */
function text(pieces: Iterable<string | Uint8Array>): string {
  let s = '';
  const bytes: Uint8Array[] = [];
  for (const p of pieces) {
    if (typeof p === 'string') s += p;
    else bytes.push(p);
  }
  if (bytes.length > 0 && s !== '') throw new Error('text and bytes mixed');
  return bytes.length > 0 ? Buffer.concat(bytes).toString('utf8') : s;
}

describe('renderJsonReport', () => {
  it.each([
    ['the demo manifests', examples()],
    ['hostile names, values and an exemption', [{ file: 'evil\nfile.yaml', text: HOSTILE }]],
    ['nothing', [{ file: 'empty.yaml', text: 'null\n' }]],
  ])('writes the same bytes as the report it stands for: %s', (_name, inputs) => {
    const scan = scanManifests(inputs);
    const ctx = context(scan);
    const expected = text(jsonDocument(buildJsonReport(scan, ctx), 2, true));
    const { summary, pieces } = renderJsonReport(scan, ctx);
    expect(text(pieces)).toBe(expected);
    const { results: _results, ...rest } = JSON.parse(expected);
    expect(JSON.parse(JSON.stringify(summary))).toEqual(rest);
  });

  it('covers the fast path and the slow one in the hostile case', () => {
    const scan = scanManifests([{ file: 'x.yaml', text: HOSTILE }]);
    expect(scan.results.some(r => r.exemption)).toBe(true);
    expect(scan.results.some(r => !r.exemption && r.evidence.length > 0)).toBe(true);
  });
});

describe('lazyJsonReport', () => {
  it.each([
    ['the demo manifests', examples()],
    ['hostile names, values and an exemption', [{ file: 'evil\nfile.yaml', text: HOSTILE }]],
    ['nothing', [{ file: 'empty.yaml', text: 'null\n' }]],
  ])('gives the table and SARIF what the report built in full gives: %s', (_name, inputs) => {
    const scan = scanManifests(inputs);
    const ctx = context(scan);
    const full = buildJsonReport(scan, ctx);
    for (const color of [false, true]) {
      expect(renderTable(lazyJsonReport(scan, ctx), { color })).toBe(renderTable(full, { color }));
    }
    expect(text(renderSarif(lazyJsonReport(scan, ctx)))).toBe(text(renderSarif(full)));
  });

  it('writes the table a service at a time, in whole lines', () => {
    const scan = scanManifests(examples());
    const report = lazyJsonReport(scan, context(scan));
    const pieces = [...renderTablePieces(report, { color: false })];
    expect(scan.services.length).toBeGreaterThan(1);
    expect(pieces.length).toBe(scan.services.length + 1);
    expect(pieces.every(p => p.endsWith('\n'))).toBe(true);
    expect(pieces.join('')).toBe(renderTable(report, { color: false }));
    expect(pieces.at(-1)).toContain('Summary: ');
  });

  it('gives SARIF a result per failing or exempted check result, the exempted ones suppressed', () => {
    const scan = scanManifests([{ file: 'x.yaml', text: HOSTILE }, ...examples()]);
    const sarif = JSON.parse(text(renderSarif(lazyJsonReport(scan, context(scan)))));
    const run = sarif.runs[0];
    const count = (status: string) => scan.results.filter(r => r.status === status).length;
    expect(count('exempt')).toBeGreaterThan(0);
    expect(run.results).toHaveLength(count('fail') + count('exempt'));
    expect(run.results.filter((r: { suppressions?: unknown[] }) => r.suppressions)).toHaveLength(count('exempt'));
    const notes = run.invocations[0].toolExecutionNotifications;
    expect(notes.filter((n: { associatedRule?: unknown }) => n.associatedRule)).toHaveLength(count('error'));
  });

  it('copies a result only when asked for it, into the report form', () => {
    const scan = scanManifests([{ file: 'x.yaml', text: HOSTILE }]);
    const ctx = context(scan);
    const lazy = lazyJsonReport(scan, ctx).results;
    const full = buildJsonReport(scan, ctx).results;
    expect(lazy.length).toBe(full.length);
    for (let i = 0; i < full.length; i++) {
      expect(lazy.status(i)).toBe(full[i].status);
      expect(lazy.hasExemption(i)).toBe(full[i].exemption !== undefined);
      expect(lazy.at(i)).toEqual(full[i]);
    }
  });
});

describe('resultJson', () => {
  const subject: ObjectRef = { apiVersion: 'v1', kind: 'Pod', name: 'p' };
  const base: CheckResult = {
    checkId: 'c',
    status: 'fail',
    severity: 'high',
    pillar: 'security',
    message: 'm',
    subject,
    evidence: [],
  };

  it.each([
    ['a plain result', base],
    ['a cluster-scoped subject and file and line', { ...base, file: 'f.yaml', documentIndex: 3 }],
    ['evidence of every kind', { ...base, evidence: [{ path: 'a', value: 'v', container: 'c', detail: 'd', object: { ...subject, namespace: 'n' } }, { path: 'b' }] }],
    // types the engine never produces still come out as JSON.stringify writes them
    ['a numeric message', { ...base, message: 42 as unknown as string }],
    ['a non-integer document index', { ...base, file: 'f', documentIndex: 1.5 }],
    ['an evidence value that is an object', { ...base, evidence: [{ path: 'a', value: { k: 1 } as unknown as string }] }],
    ['an evidence object without a name', { ...base, evidence: [{ path: 'a', object: { ...subject, name: undefined as unknown as string } }] }],
    ['undefined fields', { ...base, file: undefined, documentIndex: undefined }],
  ])('is JSON.stringify of the report row: %s', (_name, r) => {
    const line = (r as CheckResult).file !== undefined ? 12 : undefined;
    const report = buildJsonReport(
      {
        checks: [],
        results: [r as CheckResult],
        services: [],
        workloads: [],
        parseErrors: [],
        summary: scanManifests([]).summary,
        documentLines: [],
        objectCount: 1,
      } as unknown as ReturnType<typeof scanManifests>,
      { version: 'x', files: line !== undefined ? [{ file: (r as CheckResult).file!, documentLines: [0, 0, 0, 12, 12] }] : [], problems: [] },
    );
    const docIndex = (r as CheckResult).documentIndex;
    const expectedLine = Number.isInteger(docIndex) ? line : undefined;
    expect(resultJson(r as CheckResult, expectedLine)).toBe(JSON.stringify(report.results[0]));
  });
});
