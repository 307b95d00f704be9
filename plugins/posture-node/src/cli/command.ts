import path from 'node:path';
import { InvalidArgumentError } from 'commander';
import { CheckResult, Severity } from '@posture-dev/backstage-plugin-posture-common';
import { scanManifests } from '../scan';
import { parseKubernetesVersion, resolveEngineConfig } from '../engine/config';
import { version as packageVersion } from '../../package.json';
import { CliIo, nodeFs } from './io';
import { InputError, ReadInput, collectInputs } from './inputs';
import { loadConfigFile } from './config';
import { JsonReport, JsonReportSummary, ReportContext, buildJsonReport, lazyJsonReport, renderJsonReport } from './report';
import { crossedThresholds } from './thresholds';
import { renderTablePieces } from './formats/table';
import { inert } from './formats/inert';
import { renderSarif } from './formats/sarif';
import { renderJunit } from './formats/junit';
import { batched, jsonDocument } from './jsonStream';

export const VERSION: string = packageVersion;

export const FORMATS = ['table', 'json', 'sarif', 'junit'] as const;
export type Format = (typeof FORMATS)[number];

/** Exit codes, as documented in docs/cli.md. */
export const EXIT = { ok: 0, threshold: 1, usage: 2 } as const;

export const DEFAULT_MAX_FILE_MB = 10;
export const DEFAULT_MAX_TOTAL_MB = 256;
export const DEFAULT_MAX_FILES = 20_000;
/** Input errors printed to stderr before the rest are summarised; all are in the report. */
const MAX_WARNINGS = 50;

export interface ScanOptions {
  format: Format;
  config?: string;
  minScore?: number;
  failOn?: Severity;
  output?: string;
  maxFileSize: number;
  maxTotalSize: number;
  maxFiles: number;
  followSymlinks?: boolean;
  kubernetesVersion?: string;
}

export function parseKubernetesVersionArg(v: string): string {
  if (!parseKubernetesVersion(v)) throw new InvalidArgumentError('expected a Kubernetes version such as 1.29 or v1.29.3');
  return v.trim();
}

export function parseScore(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0 || n > 100) {
    throw new InvalidArgumentError('expected a number from 0 to 100');
  }
  return n;
}

export function parseCount(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n <= 0) {
    throw new InvalidArgumentError('expected a whole number greater than 0');
  }
  return n;
}

export function parseMegabytes(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError('expected a size in MB greater than 0');
  }
  return n;
}

function useColor(io: CliIo, toFile: boolean): boolean {
  const env = io.env ?? process.env;
  if (toFile || env.NO_COLOR) return false;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== '0') return true;
  return io.stdout.isTTY === true;
}

/** The report in a format, as pieces to write in order (a large report is never one string). */
export function render(report: JsonReport, format: Format, color = false): Iterable<string> {
  switch (format) {
    case 'json':
      // results[i] is two levels down: one result per line (a 10,000-workload scan wrote 390 MB indented)
      return jsonDocument(report, 2, true);
    case 'sarif':
      return renderSarif(report);
    case 'junit':
      return renderJunit(report);
    default:
      return renderTablePieces(report, { color });
  }
}

/**
 * The YAML parser quotes the offending token in some messages ("Unexpected
 * scalar token in YAML stream: \"…\""), which can be a secret value from a
 * malformed Secret. Reports name the place of a parse error, never its text.
 */
export function redactParseMessage(message: string): string {
  return message
    .replace(/( token in YAML stream): "(?:[^"\\]|\\.)*"?/g, '$1')
    .replace(/(Not a YAML token): .*/g, '$1');
}

function redactParseErrors<T extends { parseErrors: { message: string }[] }>(scan: T): T {
  return { ...scan, parseErrors: scan.parseErrors.map(e => ({ ...e, message: redactParseMessage(e.message) })) };
}

interface Analysis {
  /** the report but its results: what the warnings and the gate read */
  summary: JsonReportSummary;
  /** every result, for the gate */
  results: readonly { status: CheckResult['status']; severity: Severity }[];
  /** the whole report in a format, as pieces of a size to write: text, or UTF-8 bytes */
  render: (format: Format, color: boolean) => Iterable<string | Uint8Array>;
  /** workload keys defined more than once, with how often */
  repeated: [string, number][];
  /** whether any document gave an object */
  parsedSomething: boolean;
}

/**
 * Runs the engine and turns its output into the report. Kept apart so that
 * the input texts can be freed before rendering. JSON is written straight from
 * the engine's results; the other formats read the report built from them.
 */
function analyse(
  { inputs, problems }: { inputs: ReadInput[]; problems: { file: string; message: string }[] },
  scanOpts: Parameters<typeof scanManifests>[1],
): Analysis {
  const scan = redactParseErrors(scanManifests(inputs, scanOpts));
  const ctx: ReportContext = {
    version: VERSION,
    files: scan.documentLines.map(f => ({ file: f.file ?? '', documentLines: f.lines })),
    problems,
  };
  const json = renderJsonReport(scan, ctx);
  return {
    summary: json.summary,
    results: scan.results,
    render: (format, color) => {
      if (format === 'json') return json.pieces;
      // the table and SARIF copy only the results they print
      if (format === 'table') return batched(renderTablePieces(lazyJsonReport(scan, ctx), { color }));
      if (format === 'sarif') return batched(renderSarif(lazyJsonReport(scan, ctx)));
      return batched(render(buildJsonReport(scan, ctx), format, color));
    },
    // the engine scores one definition per object; a second one (two overlays, a release bundle beside its parts) is not
    repeated: scan.repeatedWorkloads,
    parsedSomething: scan.objectCount > 0,
  };
}

export async function scanCommand(paths: string[], opts: ScanOptions, io: CliIo): Promise<number> {
  const fs = { ...nodeFs, ...io.fs };
  const cwd = io.cwd ?? process.cwd();
  const loaded = opts.config ? await loadConfigFile(opts.config, fs, cwd) : resolveEngineConfig({});
  const config = opts.kubernetesVersion ? { ...loaded, kubernetesVersion: opts.kubernetesVersion } : loaded;
  const maxBytes = Math.floor(opts.maxFileSize * 1024 * 1024);
  const { summary: report, results, render: renderAs, repeated, parsedSomething } = analyse(
    await collectInputs(paths, {
      fs,
      cwd,
      stdin: io.stdin,
      maxBytes,
      maxTotalBytes: Math.floor((opts.maxTotalSize ?? DEFAULT_MAX_TOTAL_MB) * 1024 * 1024),
      maxFiles: opts.maxFiles ?? DEFAULT_MAX_FILES,
      followSymlinks: opts.followSymlinks === true,
    }),
    { config },
  );

  const shown = report.errors.slice(0, MAX_WARNINGS);
  for (const e of shown) {
    const where = e.file === undefined ? '' : `${e.file}${e.line !== undefined ? `:${e.line}` : ''}: `;
    io.stderr.write(`posture: warning: ${inert(`${where}${e.message}`)}\n`);
  }
  if (report.errors.length > shown.length) {
    io.stderr.write(`posture: warning: ${report.errors.length - shown.length} more input errors (all are in the report)\n`);
  }
  if (repeated.length > 0) {
    const [key, n] = repeated[0];
    io.stderr.write(
      `posture: warning: ${repeated.length} workload${repeated.length === 1 ? ' is' : 's are'} defined more than once (${inert(key)} ${n} times); only the first definition of each is scored\n`,
    );
  }
  if (!parsedSomething) {
    throw new InputError(
      report.errors.length > 0
        ? `nothing to scan: no input could be parsed (${report.errors.length} error${report.errors.length === 1 ? '' : 's'})`
        : 'nothing to scan: the input holds no Kubernetes objects',
    );
  }

  const toFile = opts.output !== undefined && opts.output !== '-';
  const pieces = renderAs(opts.format, useColor(io, toFile));
  if (toFile) {
    try {
      await fs.writeFile(path.resolve(cwd, opts.output as string), pieces);
    } catch (e) {
      throw new InputError(`cannot write ${opts.output}: ${(e as Error).message}`);
    }
  } else {
    for (const piece of pieces) io.stdout.write(piece);
  }

  const reasons = crossedThresholds({ ...report, results }, { minScore: opts.minScore, failOn: opts.failOn });
  for (const r of reasons) io.stderr.write(`posture: threshold crossed: ${inert(r)}\n`);
  return reasons.length > 0 ? EXIT.threshold : EXIT.ok;
}

