import path from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { SEVERITIES, Severity } from '@internal/plugin-posture-common';
import { scanManifests } from '../scan';
import { resolveEngineConfig } from '../engine/config';
import { version as packageVersion } from '../../package.json';
import { CliIo, nodeFs } from './io';
import { InputError, MANIFEST_EXTENSIONS, collectInputs } from './inputs';
import { loadConfigFile } from './config';
import { yamlDocuments } from './lines';
import { JsonReport, buildJsonReport } from './report';
import { crossedThresholds } from './thresholds';
import { renderTable } from './formats/table';
import { renderSarif } from './formats/sarif';
import { renderJunit } from './formats/junit';

export type { CliIo, CliFs, CliOutput } from './io';
export { processIo } from './io';
export type { JsonReport } from './report';

export const FORMATS = ['table', 'json', 'sarif', 'junit'] as const;
export type Format = (typeof FORMATS)[number];

/** Exit codes, as documented in docs/cli.md. */
export const EXIT = { ok: 0, threshold: 1, usage: 2 } as const;

const DEFAULT_MAX_FILE_MB = 20;
/** Input errors printed to stderr before the rest are summarised; all are in the report. */
const MAX_WARNINGS = 50;

interface ScanOptions {
  format: Format;
  config?: string;
  minScore?: number;
  failOn?: Severity;
  output?: string;
  maxFileSize: number;
}

function parseScore(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0 || n > 100) {
    throw new InvalidArgumentError('expected a number from 0 to 100');
  }
  return n;
}

function parseMegabytes(v: string): number {
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

export function render(report: JsonReport, format: Format, color = false): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'sarif':
      return renderSarif(report);
    case 'junit':
      return renderJunit(report);
    default:
      return renderTable(report, { color });
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

async function scanCommand(paths: string[], opts: ScanOptions, io: CliIo): Promise<number> {
  const fs = { ...nodeFs, ...io.fs };
  const cwd = io.cwd ?? process.cwd();
  const config = opts.config ? await loadConfigFile(opts.config, fs, cwd) : resolveEngineConfig({});
  const maxBytes = Math.floor(opts.maxFileSize * 1024 * 1024);
  const collected = await collectInputs(paths, { fs, cwd, stdin: io.stdin, maxBytes });

  const scan = redactParseErrors(scanManifests(collected.inputs, { config }));
  const files = collected.inputs.map(i => ({ file: i.file, docs: yamlDocuments(i.text) }));
  const report = buildJsonReport(scan, {
    version: packageVersion,
    files: files.map(f => ({ file: f.file, documentLines: f.docs.map(d => d.line) })),
    problems: collected.problems,
  });

  const shown = report.errors.slice(0, MAX_WARNINGS);
  for (const e of shown) {
    const where = e.file === undefined ? '' : `${e.file}${e.line !== undefined ? `:${e.line}` : ''}: `;
    io.stderr.write(`posture: warning: ${where}${e.message}\n`);
  }
  if (report.errors.length > shown.length) {
    io.stderr.write(`posture: warning: ${report.errors.length - shown.length} more input errors (all are in the report)\n`);
  }

  // the engine scores one definition per object; a second one (two overlays, a release bundle beside its parts) is not
  const counts = new Map<string, number>();
  for (const w of scan.workloads) counts.set(w.key, (counts.get(w.key) ?? 0) + 1);
  const repeated = [...counts].filter(([, n]) => n > 1);
  if (repeated.length > 0) {
    const [key, n] = repeated[0];
    io.stderr.write(
      `posture: warning: ${repeated.length} workload${repeated.length === 1 ? ' is' : 's are'} defined more than once (${key} ${n} times); only the first definition of each is scored\n`,
    );
  }

  // a document with content that did not fail to parse gave at least one object
  const failedDocs = new Set(
    scan.parseErrors.map(e => `${e.file}\u0000${e.documentIndex ?? '*'}`),
  );
  const parsedSomething = files.some(
    f =>
      !failedDocs.has(`${f.file}\u0000*`) &&
      f.docs.some((d, i) => d.hasContent && !failedDocs.has(`${f.file}\u0000${i}`)),
  );
  if (!parsedSomething) {
    throw new InputError(
      report.errors.length > 0
        ? `nothing to scan: no input could be parsed (${report.errors.length} error${report.errors.length === 1 ? '' : 's'})`
        : 'nothing to scan: the input holds no Kubernetes objects',
    );
  }

  const toFile = opts.output !== undefined && opts.output !== '-';
  const text = render(report, opts.format, useColor(io, toFile));
  if (toFile) {
    try {
      await fs.writeFile(path.resolve(cwd, opts.output as string), text);
    } catch (e) {
      throw new InputError(`cannot write ${opts.output}: ${(e as Error).message}`);
    }
  } else {
    io.stdout.write(text);
  }

  const reasons = crossedThresholds(report, { minScore: opts.minScore, failOn: opts.failOn });
  for (const r of reasons) io.stderr.write(`posture: threshold crossed: ${r}\n`);
  return reasons.length > 0 ? EXIT.threshold : EXIT.ok;
}

/**
 * The `posture` command line. Returns the exit code instead of exiting, and
 * touches nothing outside `io`, so tests can call it directly.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const env = io.env ?? process.env;
  if (argv.length === 0) {
    io.stderr.write('posture: missing command: run `posture scan <paths...>` (see posture --help)\n');
    return EXIT.usage;
  }
  let exitCode: number = EXIT.ok;
  const program = new Command('posture')
    .description('Scores Kubernetes manifests on scalability and security.')
    .version(packageVersion, '-V, --version')
    .exitOverride()
    .configureOutput({
      writeOut: s => io.stdout.write(s),
      writeErr: s => io.stderr.write(s),
      // commander's messages start with "error: "; keep them to one line with our prefix
      outputError: (s, write) => write(`posture: ${s.replace(/^error: /, '').trim()}\n`),
    });

  program
    .command('scan')
    .description(
      `Scans manifests (${MANIFEST_EXTENSIONS.join(' ')} files, directories searched recursively, or - for stdin).`,
    )
    .argument('<paths...>', 'files, directories, or - for standard input')
    .addOption(new Option('-f, --format <format>', 'output format').choices(FORMATS).default('table'))
    .option('-c, --config <file>', 'engine config (YAML or JSON)')
    .option('--min-score <n>', 'exit 1 if any pillar score (any service, or the summary) is below n', parseScore)
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 on a failing result at this severity or worse').choices(
        SEVERITIES as Severity[],
      ),
    )
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option(
      '--max-file-size <MB>',
      `refuse larger files (default ${DEFAULT_MAX_FILE_MB})`,
      parseMegabytes,
      DEFAULT_MAX_FILE_MB,
    )
    .action(async (paths: string[], opts: ScanOptions) => {
      exitCode = await scanCommand(paths, opts, io);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version exit 0; everything else commander rejects is a usage error
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (e instanceof InputError) {
      io.stderr.write(`posture: ${e.message}\n`);
      return EXIT.usage;
    }
    const message = e instanceof Error ? e.message : String(e);
    io.stderr.write(`posture: unexpected error: ${message}\n`);
    if (env.POSTURE_DEBUG && e instanceof Error && e.stack) io.stderr.write(`${e.stack}\n`);
    return EXIT.usage;
  }
}
