import {
  CheckMetadata,
  CheckResult,
  CheckStatus,
  Evidence,
  ExemptionInfo,
  Grade,
  Level,
  Pillar,
  PssLevel,
  Scorecard,
  Severity,
} from '@posture-dev/backstage-plugin-posture-common';
import { ScanReport } from '../scan';
import { JsonRows, jsonDocumentBytes } from './jsonStream';
import { ResultRows } from './resultRows';

/**
 * The `--format json` report. Its shape is documented in docs/cli.md and
 * versioned: fields may be added within a schema version, never removed or
 * changed.
 */
export interface JsonReport {
  schemaVersion: 1;
  tool: { name: 'posture'; version: string };
  checks: JsonCheck[];
  results: JsonResult[];
  services: JsonService[];
  summary: JsonSummary;
  errors: JsonError[];
}

export type JsonCheck = Pick<
  CheckMetadata,
  'id' | 'title' | 'pillar' | 'category' | 'severity' | 'rationale' | 'remediation' | 'references'
> &
  Partial<Pick<CheckMetadata, 'pssLevel' | 'defaults' | 'optIn'>>;

export interface JsonSubject {
  apiVersion: string;
  kind: string;
  /** absent for cluster-scoped kinds */
  namespace?: string;
  name: string;
}

export interface JsonResult {
  checkId: string;
  status: CheckStatus;
  severity: Severity;
  pillar: Pillar;
  message: string;
  subject: JsonSubject;
  /** the file the subject was read from; `<stdin>` for standard input */
  file?: string;
  /** 0-based index of the YAML document in that file */
  documentIndex?: number;
  /** 1-based line where that document starts */
  line?: number;
  evidence: Evidence[];
  exemption?: ExemptionInfo;
}

export interface JsonScores {
  scores: Record<Pillar, number | null>;
  overall: number | null;
  grades: Record<Pillar | 'overall', Grade | null>;
  level: Level;
  pssLevel: PssLevel;
  counts: Record<CheckStatus, number>;
  failingBySeverity: Record<Severity, number>;
}

export interface JsonService extends JsonScores {
  name: string;
  namespace: string;
  workloads: JsonSubject[];
  /** indexes into `results` of this service's workloads and the objects related to them */
  results: number[];
}

export interface JsonSummary extends JsonScores {
  files: number;
  services: number;
  workloads: number;
}

export interface JsonError {
  file?: string;
  documentIndex?: number;
  line?: number;
  message: string;
}

function subjectOf(ref: { apiVersion: string; kind: string; namespace?: string; name: string }): JsonSubject {
  return ref.namespace === undefined
    ? { apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name }
    : { apiVersion: ref.apiVersion, kind: ref.kind, namespace: ref.namespace, name: ref.name };
}

function scoresOf(card: Scorecard): JsonScores {
  return {
    scores: { scalability: card.scores.scalability, security: card.scores.security },
    overall: card.overall,
    grades: { ...card.grades },
    level: card.level,
    pssLevel: card.pssLevel,
    counts: { ...card.counts },
    failingBySeverity: { ...card.failingBySeverity },
  };
}

function checkOf(m: CheckMetadata): JsonCheck {
  const c: JsonCheck = {
    id: m.id,
    title: m.title,
    pillar: m.pillar,
    category: m.category,
    severity: m.severity,
    rationale: m.rationale,
    remediation: { text: m.remediation.text, patch: m.remediation.patch },
    references: { ...m.references },
  };
  if (m.pssLevel) c.pssLevel = m.pssLevel;
  if (m.defaults) c.defaults = m.defaults;
  if (m.optIn) c.optIn = true;
  return c;
}

/**
 * Field by field copy of a result: the report carries what it documents and
 * nothing else, so no part of a scanned object can slip into the output.
 */
function resultOf(r: CheckResult, lineOf: (file?: string, doc?: number) => number | undefined): JsonResult {
  const line = lineOf(r.file, r.documentIndex);
  return {
    checkId: r.checkId,
    status: r.status,
    severity: r.severity,
    pillar: r.pillar,
    message: r.message,
    subject: subjectOf(r.subject),
    ...(r.file !== undefined ? { file: r.file } : {}),
    ...(r.documentIndex !== undefined ? { documentIndex: r.documentIndex } : {}),
    ...(line !== undefined ? { line } : {}),
    evidence: r.evidence.map(e => {
      const ev: Evidence = { path: e.path };
      if (e.value !== undefined) ev.value = e.value;
      if (e.container !== undefined) ev.container = e.container;
      if (e.detail !== undefined) ev.detail = e.detail;
      if (e.object !== undefined) ev.object = subjectOf(e.object);
      return ev;
    }),
    ...(r.exemption ? { exemption: { ...r.exemption } } : {}),
  };
}

export interface ReportContext {
  version: string;
  /** every input that was read, with the start line of each of its documents */
  files: { file: string; documentLines: number[] }[];
  /** per-file problems found before parsing */
  problems: { file: string; message: string }[];
}

/** Everything in the report but its results, and how to find a result's line. */
function reportParts(scan: ScanReport, ctx: ReportContext) {
  const lines = new Map(ctx.files.map(f => [f.file, f.documentLines]));
  const lineOf = (file?: string, doc?: number) =>
    file === undefined || doc === undefined ? undefined : lines.get(file)?.[doc];

  const byService = new Map<string, Set<number>>();
  for (const w of scan.workloads) {
    const key = `${w.ref.namespace ?? 'default'}/${w.service}`;
    let ids = byService.get(key);
    if (!ids) byService.set(key, (ids = new Set()));
    for (const id of w.resultIds) ids.add(id);
  }

  const errors: JsonError[] = [
    ...ctx.problems.map(p => ({ file: p.file, message: p.message })),
    ...scan.parseErrors.map(p => {
      const e: JsonError = { message: p.message };
      if (p.file !== undefined) e.file = p.file;
      if (p.documentIndex !== undefined) e.documentIndex = p.documentIndex;
      // where the document starts, as documented; the message gives the line of the problem itself
      const line = lineOf(p.file, p.documentIndex);
      if (line !== undefined) e.line = line;
      return e;
    }),
  ];

  return {
    lineOf,
    head: {
      schemaVersion: 1 as const,
      tool: { name: 'posture' as const, version: ctx.version },
      checks: scan.checks.map(checkOf),
    },
    tail: {
      services: scan.services.map(s => ({
        name: s.name,
        namespace: s.namespace,
        workloads: s.workloads.map(subjectOf),
        ...scoresOf(s.scorecard),
        results: [...(byService.get(`${s.namespace}/${s.name}`) ?? [])].sort((a, b) => a - b),
      })),
      summary: {
        ...scoresOf(scan.summary),
        files: ctx.files.length,
        services: scan.services.length,
        workloads: scan.workloads.length,
      },
      errors,
    },
  };
}

export function buildJsonReport(scan: ScanReport, ctx: ReportContext): JsonReport {
  const { lineOf, head, tail } = reportParts(scan, ctx);
  return { ...head, results: scan.results.map(r => resultOf(r, lineOf)), ...tail };
}

/**
 * The report's results, each copied into its report form only when asked for. The table and SARIF
 * show the failing results only (a quarter of a large scan's 600k), so they read every status but
 * copy only what they print.
 */
export interface ReportResults {
  readonly length: number;
  status(i: number): CheckStatus;
  hasExemption(i: number): boolean;
  at(i: number): JsonResult;
}

/** Results of either form as a ReportResults; `at` makes the report form of one. */
function viewOf<T extends { status: CheckStatus; exemption?: unknown }>(items: T[], at: (item: T) => JsonResult): ReportResults {
  return {
    length: items.length,
    status: i => items[i].status,
    hasExemption: i => items[i].exemption !== undefined,
    at: i => at(items[i]),
  };
}

/** A report's results as a ReportResults, for renderers that take either. */
export function resultsView(results: JsonResult[] | ReportResults): ReportResults {
  return Array.isArray(results) ? viewOf(results, r => r) : results;
}

/** The report with its results as a view over the engine's (see ReportResults). */
export function lazyJsonReport(scan: ScanReport, ctx: ReportContext): JsonReportSummary & { results: ReportResults } {
  const { lineOf, head, tail } = reportParts(scan, ctx);
  return { ...head, results: viewOf(scan.results, r => resultOf(r, lineOf)), ...tail };
}

/** The report without its results: what the gate and the warnings read. */
export type JsonReportSummary = Omit<JsonReport, 'results'>;

/**
 * The `--format json` document, as UTF-8 chunks: the bytes of `jsonDocument(buildJsonReport(scan, ctx),
 * 2, true)`, but each result is written straight from the engine's into the output's bytes, without the
 * report's copy of it or a string per row (a 10,000-workload scan has 600k results, 250 MB of rows).
 */
export function renderJsonReport(
  scan: ScanReport,
  ctx: ReportContext,
): { summary: JsonReportSummary; pieces: Iterable<Uint8Array> } {
  const { lineOf, head, tail } = reportParts(scan, ctx);
  const results = scan.results;
  const writer = new ResultRows((r, line) => JSON.stringify(resultOf(r, () => line)));
  const rows = new JsonRows(results.length, (i, out) => {
    const r = results[i];
    writer.write(r, lineOf(r.file, r.documentIndex), out);
  });
  return { summary: { ...head, ...tail }, pieces: jsonDocumentBytes({ ...head, results: rows, ...tail }, 2, true) };
}

/** One result's JSON row, as renderJsonReport writes it: `JSON.stringify` of its report form. */
export function resultJson(r: CheckResult, line: number | undefined): string {
  let text = '';
  new ResultRows((x, l) => JSON.stringify(resultOf(x, () => l))).write(r, line, {
    write: s => {
      text += s;
    },
  });
  return text;
}
