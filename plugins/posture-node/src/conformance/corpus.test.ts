import fs from 'node:fs';
import path from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import { describeWithShared } from './sharedDir';
import { runInMemory } from '../cli/testUtils';
import { documentStartLines } from '../cli/lines';
import type { JsonReport } from '../cli/report';

/** RFC 4180 CSV: quoted fields may hold commas, quotes ("") and newlines. */
function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field || row.length) rows.push([...row, field]);
  const [header, ...data] = rows.filter(r => r.some(f => f !== ''));
  return data.map(r => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

interface FileOutcome {
  file: string;
  expected: number;
  reported: number;
  /** the file has documents the parser rejects */
  malformed: boolean;
  errors: string[];
  thrown: string[];
}

describeWithShared('real-world corpus through `posture scan`', ['corpus'], corpus => {
  jest.setTimeout(300_000);
  const rows = parseCsv(fs.readFileSync(path.join(corpus, 'index.csv'), 'utf8'));

  it('index.csv lists every manifest file of the corpus', () => {
    const onDisk: string[] = [];
    const walk = (rel: string) => {
      for (const e of fs.readdirSync(path.join(corpus, rel), { withFileTypes: true })) {
        const r = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) walk(r);
        else if (/\.(ya?ml|json)$/i.test(e.name)) onDisk.push(r);
      }
    };
    walk('');
    expect(rows.map(r => r.file).sort()).toEqual(onDisk.sort());
  });

  it('scans each file without a crash and reports every workload index.csv counts', async () => {
    const outcomes: FileOutcome[] = [];
    const started = Date.now();
    // what the scan did that it must not; asserted once at the end, so one run lists every file
    const unexpected: string[] = [];
    for (const row of rows) {
      const r = await runInMemory(['scan', row.file, '--format', 'json'], { cwd: corpus });
      const warnings = r.stderr.split('\n').filter(l => l.startsWith('posture: warning: '));
      const outcome: FileOutcome = {
        file: row.file,
        expected: Number(row.workloads),
        reported: 0,
        malformed: false,
        errors: warnings,
        thrown: [],
      };
      if (/unexpected error/.test(r.stderr)) unexpected.push(`${row.file}: ${r.stderr.trim()}`);
      if (r.code === 2 && /^posture: nothing to scan: the input holds no Kubernetes objects$/m.test(r.stderr)) {
        // a file of comments only: index.csv lists no kinds for it either
        if (row.kinds !== '') unexpected.push(`${row.file}: no objects found, index.csv lists ${row.kinds}`);
      } else if (r.code === 2) {
        // only an input the parser rejects entirely may stop the scan, and it must say where
        outcome.malformed = true;
        const located = warnings.some(w => w.includes(row.file) && /document \d+/.test(w));
        if (!/^posture: nothing to scan: no input could be parsed/m.test(r.stderr) || !located) {
          unexpected.push(`${row.file}: exit 2 without a located parse error: ${r.stderr.trim()}`);
        }
      } else if (r.code !== 0) {
        unexpected.push(`${row.file}: exit ${r.code}: ${r.stderr.trim()}`);
      } else {
        const report: JsonReport = JSON.parse(r.stdout);
        outcome.reported = report.services.reduce((n, s) => n + s.workloads.length, 0);
        if (report.summary.workloads !== outcome.reported) {
          unexpected.push(`${row.file}: summary counts ${report.summary.workloads} workloads, services ${outcome.reported}`);
        }
        outcome.malformed = report.errors.length > 0;
        for (const e of report.errors) {
          if (e.file !== row.file || e.documentIndex === undefined || e.line === undefined) {
            unexpected.push(`${row.file}: an error without file, document and line: ${JSON.stringify(e)}`);
          }
        }
        // `valid-object` judges the input; any other error result is a check that threw
        outcome.thrown = report.results
          .filter(x => x.status === 'error' && x.checkId !== 'valid-object')
          .map(x => `${x.checkId} on ${x.subject.kind}/${x.subject.name}: ${x.message}`);
      }
      outcomes.push(outcome);
    }

    const sum = (f: (o: FileOutcome) => number) => outcomes.reduce((n, o) => n + f(o), 0);
    const malformed = outcomes.filter(o => o.malformed);
    // eslint-disable-next-line no-console
    console.log(
      [
        `corpus: ${outcomes.length} files scanned one by one in ${Date.now() - started} ms`,
        `  workloads: ${sum(o => o.reported)} reported, ${sum(o => o.expected)} counted by index.csv`,
        `  files the YAML parser rejects (in part): ${malformed.length}`,
        ...malformed.map(o => `    ${o.file}: ${o.reported}/${o.expected} workloads; ${o.errors.join(' | ')}`),
        `  check errors: ${sum(o => o.thrown.length)}`,
      ].join('\n'),
    );

    expect(unexpected).toEqual([]);
    expect(outcomes.flatMap(o => o.thrown.map(t => `${o.file}: ${t}`))).toEqual([]);
    const mismatched = outcomes
      .filter(o => (o.malformed ? o.reported > o.expected : o.reported !== o.expected))
      .map(o => `${o.file}: reported ${o.reported}, index.csv counts ${o.expected}`);
    expect(mismatched).toEqual([]);
  });

  it('scans the whole corpus in one run', async () => {
    const started = Date.now();
    const r = await runInMemory(['scan', '.', '--format', 'json'], { cwd: corpus });
    expect(r.code).toBe(0);
    const report: JsonReport = JSON.parse(r.stdout);
    expect(report.summary.files).toBe(rows.length - report.errors.filter(e => e.documentIndex === undefined).length);
    const s = report.summary;
    // eslint-disable-next-line no-console
    console.log(
      `corpus in one run: ${s.files} files, ${s.workloads} workloads in ${s.services} services, ` +
        `${report.results.length} results (${s.counts.pass} pass, ${s.counts.fail} fail, ${s.counts.error} error), ` +
        `${report.errors.length} input errors, ${report.checks.length} checks, ${Date.now() - started} ms`,
    );
  });

  it('finds the line where each document starts, as the YAML parser does', () => {
    for (const row of rows) {
      const text = fs.readFileSync(path.join(corpus, row.file), 'utf8');
      const lc = new LineCounter();
      const docs = parseAllDocuments(text, { lineCounter: lc });
      const expected = (Array.isArray(docs) ? docs : [docs]).map(d => {
        const c = d.contents as { range?: [number, number, number] } | null;
        const empty = !c?.range || c.range[0] === c.range[1];
        return lc.linePos(empty ? d.range[0] : c!.range![0]).line;
      });
      expect({ file: row.file, lines: documentStartLines(text) }).toEqual({ file: row.file, lines: expected });
    }
  });
});
