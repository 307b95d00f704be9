import { Grade, SEVERITIES, Severity } from '@posture-dev/backstage-plugin-posture-common';
import { JsonReportSummary, JsonResult, JsonScores, JsonSubject, ReportResults, resultsView } from '../report';
import { inert } from './inert';

export interface TableOptions {
  color: boolean;
}

const CODES = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
} as const;
type Style = keyof typeof CODES;

function painter(color: boolean) {
  return (style: Style | Style[], s: string) => {
    if (!color) return s;
    const styles = Array.isArray(style) ? style : [style];
    return styles.reduce((acc, st) => `\u001b[${CODES[st][0]}m${acc}\u001b[${CODES[st][1]}m`, s);
  };
}

const SEVERITY_STYLE: Record<Severity, Style[]> = {
  critical: ['red', 'bold'],
  high: ['red'],
  medium: ['yellow'],
  low: ['cyan'],
};

function gradeStyle(g: Grade | null): Style {
  if (g === 'A' || g === 'B') return 'green';
  if (g === 'C') return 'yellow';
  return g === null ? 'dim' : 'red';
}

function subjectText(s: JsonSubject): string {
  return inert(`${s.kind}/${s.name}`);
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

/** `k8s/web.yaml:12`, or the file alone when the line is unknown. */
function locationOf(r: JsonResult): string | undefined {
  if (r.file === undefined) return undefined;
  return inert(r.line !== undefined ? `${r.file}:${r.line}` : r.file);
}

/**
 * The human report: per service its scores and what fails, then a summary.
 * Prints names, paths and messages only; never an object or evidence value.
 */
export function renderTable(
  report: JsonReportSummary & { results: JsonResult[] | ReportResults },
  opts: TableOptions,
): string {
  let text = '';
  for (const piece of renderTablePieces(report, opts)) text += piece;
  return text;
}

/** renderTable's text in pieces, a service at a time: a scan of 10,000 workloads prints tens of megabytes. */
export function* renderTablePieces(
  report: JsonReportSummary & { results: JsonResult[] | ReportResults },
  opts: TableOptions,
): Generator<string> {
  const paint = painter(opts.color);
  const results = resultsView(report.results);
  const isFailing = (i: number) => {
    const status = results.status(i);
    return status === 'fail' || status === 'error';
  };
  const out: string[] = [];
  // the lines so far, each ending in a newline (every piece is one or more whole lines)
  const flush = () => {
    const piece = `${out.join('\n')}\n`;
    out.length = 0;
    return piece;
  };

  const scoreLine = (s: JsonScores) => {
    const part = (label: string, score: number | null, grade: Grade | null) =>
      `${label} ${score === null ? '-' : score} ${paint(gradeStyle(grade), grade ?? '-')}`;
    return [
      part('scalability', s.scores.scalability, s.grades.scalability),
      part('security', s.scores.security, s.grades.security),
      part('overall', s.overall, s.grades.overall),
      `level ${s.level}`,
      `PSS ${s.pssLevel}`,
    ].join('  ');
  };

  const severityRank = (r: JsonResult) => SEVERITIES.indexOf(r.severity);
  const listResults = (ids: Iterable<number>) => {
    // failures first, worst first; then what could not be judged
    const order = (r: JsonResult) => (r.status === 'fail' ? 0 : 1);
    const shown: JsonResult[] = [];
    let exempt = 0;
    for (const i of ids) {
      if (isFailing(i)) shown.push(results.at(i));
      else if (results.status(i) === 'exempt') exempt++;
    }
    shown.sort(
      (a, b) => order(a) - order(b) || severityRank(a) - severityRank(b) || a.checkId.localeCompare(b.checkId),
    );
    let wSev = 0;
    for (const r of shown) wSev = Math.max(wSev, r.status === 'error' ? 5 : r.severity.length);
    let wCheck = 0;
    for (const r of shown) wCheck = Math.max(wCheck, inert(r.checkId).length);
    let wSubject = 0;
    for (const r of shown) wSubject = Math.max(wSubject, subjectText(r.subject).length);
    for (const r of shown) {
      const sev =
        r.status === 'error'
          ? paint('dim', pad('error', wSev))
          : paint(SEVERITY_STYLE[r.severity], pad(r.severity, wSev));
      const paths = r.evidence.map(e => e.path).filter(Boolean);
      const evidence = inert(paths.length > 1 ? `${paths[0]} (+${paths.length - 1} more)` : paths[0] ?? '');
      out.push(`  ${sev}  ${pad(inert(r.checkId), wCheck)}  ${pad(subjectText(r.subject), wSubject)}  ${evidence}`.trimEnd());
      const where = locationOf(r);
      out.push(paint('dim', `      ${inert(r.message)}${where ? `  (${where})` : ''}`));
    }
    if (exempt > 0) out.push(paint('dim', `  ${exempt} exempt`));
  };

  const attributed = new Set<number>();
  for (const s of report.services) {
    for (const id of s.results) attributed.add(id);
    const workloads = s.workloads.map(subjectText).join(', ');
    out.push(`${paint('bold', inert(`${s.namespace}/${s.name}`))}  ${paint('dim', `(${workloads})`)}`);
    out.push(`  ${scoreLine(s)}`);
    listResults(s.results);
    out.push('');
    yield flush();
  }

  const others: number[] = [];
  for (let i = 0; i < results.length; i++) if (!attributed.has(i) && isFailing(i)) others.push(i);
  if (others.length > 0) {
    out.push(paint('bold', 'Not related to a workload'));
    listResults(others);
    out.push('');
  }

  // every exemption in force or expired, where the platform team can audit it
  const exemptions: JsonResult[] = [];
  for (let i = 0; i < results.length; i++) if (results.hasExemption(i)) exemptions.push(results.at(i));
  if (exemptions.length > 0) {
    out.push(paint('bold', `Exemptions (${exemptions.length})`));
    for (const r of exemptions) {
      const e = r.exemption!;
      const state = r.status === 'exempt' ? 'exempt' : 'expired';
      const until = e.until ? ` until ${inert(e.until)}` : '';
      out.push(`  ${state}  ${inert(r.checkId)}  ${subjectText(r.subject)}  by ${e.source}${until}: ${inert(e.reason)}`);
    }
    out.push('');
  }

  const sum = report.summary;
  const failing = SEVERITIES.filter(sev => sum.failingBySeverity[sev] > 0)
    .map(sev => `${sum.failingBySeverity[sev]} ${sev}`)
    .join(', ');
  out.push(
    paint(
      'bold',
      `Summary: ${sum.files} file${sum.files === 1 ? '' : 's'}, ${sum.workloads} workload${sum.workloads === 1 ? '' : 's'} in ${sum.services} service${sum.services === 1 ? '' : 's'}`,
    ),
  );
  out.push(`  ${scoreLine(sum)}`);
  out.push(
    `  ${sum.counts.pass} passed, ${sum.counts.fail} failed${failing ? ` (${failing})` : ''}, ${sum.counts.exempt} exempt, ${sum.counts['not-applicable']} not applicable, ${sum.counts.error} errors`,
  );
  if (report.errors.length > 0) {
    out.push(`  ${report.errors.length} input error${report.errors.length === 1 ? '' : 's'} (listed on stderr)`);
  }
  yield flush();
}
