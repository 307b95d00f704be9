import path from 'node:path';
import { CliFs } from './io';
import { decodeManifest } from '../reader/decode';
import {
  FileProblem,
  MANIFEST_EXTENSIONS,
  ManifestReadError,
  errnoMessage,
  formatBytes,
  readManifestTree,
} from '../reader/manifestReader';

export { MANIFEST_EXTENSIONS, formatBytes };
/** The label that stands for standard input in reports. */
export const STDIN_LABEL = '<stdin>';

/** A usage or input error that stops the run (exit code 2). */
export class InputError extends Error {}

export type { FileProblem };

export interface ReadInput {
  file: string;
  text: string;
}

export interface CollectedInputs {
  inputs: ReadInput[];
  problems: FileProblem[];
}

export interface CollectOptions {
  fs: CliFs;
  cwd: string;
  stdin?: AsyncIterable<Uint8Array | string>;
  /** larger files are refused before they are read */
  maxBytes: number;
  /** all input together, stdin included */
  maxTotalBytes?: number;
  maxFiles?: number;
  /** follow symbolic links that lead out of the paths named */
  followSymlinks?: boolean;
}

/** How the one-line limit errors tell the user to raise each limit. */
const HINTS = {
  maxFileBytes: '--max-file-size',
  maxTotalBytes: '--max-total-size',
  maxFiles: '--max-files',
  followSymlinksOutside: '--follow-symlinks',
};

/**
 * Expands the command-line paths into manifest texts through the shared
 * manifest reader. A path that does not exist is a usage error; a file that
 * exists but is not text (binary, too large, unreadable) is a per-file
 * problem, and the rest is still scanned; passing a total limit is one usage
 * error.
 */
export async function collectInputs(args: string[], opts: CollectOptions): Promise<CollectedInputs> {
  const out: CollectedInputs = { inputs: [], problems: [] };
  const limits = {
    maxFileBytes: opts.maxBytes,
    ...(opts.maxTotalBytes !== undefined ? { maxTotalBytes: opts.maxTotalBytes } : {}),
    ...(opts.maxFiles !== undefined ? { maxFiles: opts.maxFiles } : {}),
  };
  const roots: { abs: string; label: string }[] = [];
  let usedStdin = false;
  let stdinBytes = 0;
  for (const arg of args) {
    if (arg === '-') {
      if (usedStdin) throw new InputError('`-` (standard input) can be given only once');
      usedStdin = true;
      const bytes = await readStdin(opts.stdin, opts.maxBytes);
      stdinBytes = bytes.length;
      const decoded = decodeManifest(bytes);
      if ('error' in decoded) throw new InputError(`standard input: ${decoded.error}`);
      if (!decoded.text.trim()) throw new InputError('no input on stdin');
      out.inputs.push({ file: STDIN_LABEL, text: decoded.text });
      continue;
    }
    roots.push({ abs: path.resolve(opts.cwd, arg), label: path.normalize(arg) });
  }
  let read;
  try {
    read = await readManifestTree(roots, {
      fs: opts.fs,
      limits,
      followSymlinksOutside: opts.followSymlinks,
      limitHints: HINTS,
      usedBytes: stdinBytes,
    });
  } catch (e) {
    if (e instanceof ManifestReadError) throw new InputError(e.message);
    throw e;
  }
  if (read.emptyDirectories.length > 0) {
    const dir = args[roots.findIndex(r => r.label === read.emptyDirectories[0])] ?? read.emptyDirectories[0];
    throw new InputError(`no ${MANIFEST_EXTENSIONS.join(', ')} files in ${dir}`);
  }
  for (const i of read.inputs) out.inputs.push(i);
  for (const p of read.problems) out.problems.push(p);
  return out;
}

/** Reads standard input up to `maxBytes`; an absent or closed stdin reads as empty. */
export async function readStdin(
  stdin: AsyncIterable<Uint8Array | string> | undefined,
  maxBytes: number,
): Promise<Buffer> {
  if (!stdin) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stdin) {
      const b = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk);
      total += b.length;
      if (total > maxBytes) {
        throw new InputError(
          `standard input is larger than the ${formatBytes(maxBytes)} limit (raise it with --max-file-size)`,
        );
      }
      chunks.push(b);
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    // EBADF, EAGAIN on a closed or detached descriptor: there is nothing to read
    if (total === 0) return Buffer.alloc(0);
    throw new InputError(`cannot read standard input: ${errnoMessage(e)}`);
  }
  return Buffer.concat(chunks);
}
