import { Command, CommanderError, Option } from 'commander';
import { SEVERITIES, Severity } from '@posture-dev/backstage-plugin-posture-common';
import { CliIo } from './io';
import { inert } from './formats/inert';
import { InputError, MANIFEST_EXTENSIONS } from './inputs';
import {
  DEFAULT_MAX_FILE_MB,
  DEFAULT_MAX_FILES,
  DEFAULT_MAX_TOTAL_MB,
  EXIT,
  FORMATS,
  ScanOptions,
  VERSION,
  parseCount,
  parseMegabytes,
  parseScore,
  scanCommand,
  parseKubernetesVersionArg,
} from './command';

export type { CliIo, CliFs, CliOutput } from './io';
export { processIo } from './io';
export type {
  JsonReport,
  JsonCheck,
  JsonResult,
  JsonSubject,
  JsonService,
  JsonScores,
  JsonSummary,
  JsonError,
} from './report';

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
    .version(VERSION, '-V, --version')
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
      '--kubernetes-version <version>',
      "the target cluster's Kubernetes version (e.g. 1.29), for the deprecated-API check; overrides the config file",
      parseKubernetesVersionArg,
    )
    .option(
      '--max-file-size <MB>',
      'refuse files (and stdin) larger than this',
      parseMegabytes,
      DEFAULT_MAX_FILE_MB,
    )
    .option('--max-total-size <MB>', 'refuse the input when all files together pass this', parseMegabytes, DEFAULT_MAX_TOTAL_MB)
    .option('--max-files <n>', 'refuse the input when it holds more manifest files than this', parseCount, DEFAULT_MAX_FILES)
    .option('--follow-symlinks', 'follow symbolic links that lead outside the paths named (off: reported and skipped)')
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
      io.stderr.write(`posture: ${inert(e.message)}\n`);
      return EXIT.usage;
    }
    const message = e instanceof Error ? e.message : String(e);
    io.stderr.write(`posture: unexpected error: ${inert(message)}\n`);
    if (env.POSTURE_DEBUG && e instanceof Error && e.stack) io.stderr.write(`${e.stack}\n`);
    return EXIT.usage;
  }
}
