import { JsonReport, JsonResult } from '../report';

// XML 1.0 allows tab, LF, CR and these ranges; anything else cannot even be escaped
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

// allowed in XML but written as character references: in an attribute a raw tab or line break is
// read back as a space, and in a CI log that prints the report a raw line break from a name would
// start a line of its own (a forged `::error` workflow command); DEL, C1 and U+2028/9 are controls
// eslint-disable-next-line no-control-regex
const AS_REFERENCE = /[\u0009\u000A\u000D\u007F-\u009F\u2028\u2029]/g;

export function xmlEscape(s: string): string {
  return s
    .replace(INVALID_XML, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(AS_REFERENCE, c => `&#x${c.charCodeAt(0).toString(16).toUpperCase()};`);
}

function attrs(a: Record<string, string | number>): string {
  return Object.entries(a)
    .map(([k, v]) => ` ${k}="${xmlEscape(String(v))}"`)
    .join('');
}

interface Case {
  classname: string;
  name: string;
  file?: string;
  body?: { tag: 'failure' | 'error' | 'skipped'; message: string; type?: string; text?: string };
}

function caseOf(r: JsonResult): Case {
  const s = r.subject;
  const c: Case = {
    classname: `posture.${r.pillar}.${r.checkId}`,
    name: `${r.checkId} ${s.kind}/${s.namespace ? `${s.namespace}/` : ''}${s.name}`,
    file: r.file,
  };
  const evidence = r.evidence
    .map(e => `${e.path}${e.container ? ` (container ${e.container})` : ''}${e.detail ? `: ${e.detail}` : ''}`)
    .join('\n');
  const where = r.file !== undefined ? `${r.file}${r.line !== undefined ? `:${r.line}` : ''}` : '';
  const text = [where, evidence].filter(Boolean).join('\n');
  if (r.status === 'fail') c.body = { tag: 'failure', message: r.message, type: r.severity, text };
  else if (r.status === 'error') c.body = { tag: 'error', message: r.message, type: 'error', text };
  else if (r.status === 'not-applicable') c.body = { tag: 'skipped', message: `not applicable: ${r.message}` };
  else if (r.status === 'exempt') {
    c.body = { tag: 'skipped', message: `exempt: ${r.exemption?.reason ?? r.message}` };
  }
  return c;
}

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

function suite(name: string, cases: Case[]): { xml: string; counts: Counts } {
  const count = (tag: string) => cases.filter(c => c.body?.tag === tag).length;
  const counts: Counts = {
    tests: cases.length,
    failures: count('failure'),
    errors: count('error'),
    skipped: count('skipped'),
  };
  const lines = [`  <testsuite${attrs({ name, ...counts, time: 0 })}>`];
  for (const c of cases) {
    const head = `    <testcase${attrs({ classname: c.classname, name: c.name, ...(c.file !== undefined ? { file: c.file } : {}), time: 0 })}`;
    if (!c.body) {
      lines.push(`${head}/>`);
      continue;
    }
    const b = c.body;
    const open = `<${b.tag}${attrs({ message: b.message, ...(b.type ? { type: b.type } : {}) })}`;
    lines.push(`${head}>`);
    lines.push(b.text ? `      ${open}>${xmlEscape(b.text)}</${b.tag}>` : `      ${open}/>`);
    lines.push('    </testcase>');
  }
  lines.push('  </testsuite>');
  return { xml: lines.join('\n'), counts };
}

/**
 * JUnit XML for CI test reports: a testsuite per service with a testcase per
 * (check, subject); results not related to any workload get a suite per
 * file, and unreadable inputs a suite of their own.
 */
export function* renderJunit(report: JsonReport): Generator<string> {
  const suites: { xml: string; counts: Counts }[] = [];
  const attributed = new Set<number>();
  for (const s of report.services) {
    for (const id of s.results) attributed.add(id);
    suites.push(suite(`${s.namespace}/${s.name}`, s.results.map(id => caseOf(report.results[id]))));
  }
  const byFile = new Map<string, Case[]>();
  report.results.forEach((r, i) => {
    if (attributed.has(i)) return;
    const key = r.file ?? '(no file)';
    const list = byFile.get(key);
    if (list) list.push(caseOf(r));
    else byFile.set(key, [caseOf(r)]);
  });
  for (const [file, cases] of byFile) suites.push(suite(file, cases));
  if (report.errors.length > 0) {
    suites.push(
      suite(
        'inputs',
        report.errors.map(e => ({
          classname: 'posture.input',
          name: `${e.file ?? '(input)'}${e.documentIndex !== undefined ? ` document ${e.documentIndex}` : ''}`,
          file: e.file,
          body: { tag: 'error' as const, message: e.message, type: 'input' },
        })),
      ),
    );
  }
  const total = (k: keyof Counts) => suites.reduce((n, s) => n + s.counts[k], 0);
  yield '<?xml version="1.0" encoding="UTF-8"?>\n';
  yield `<testsuites${attrs({
    name: `posture ${report.tool.version}`,
    tests: total('tests'),
    failures: total('failures'),
    errors: total('errors'),
    skipped: total('skipped'),
    time: 0,
  })}>\n`;
  for (const s of suites) yield `${s.xml}\n`;
  yield '</testsuites>\n';
}
