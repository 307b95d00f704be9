import fsp from 'node:fs/promises';
import type { Dirent, Stats } from 'node:fs';
import { nodeReaderFs } from '../reader/manifestReader';
import { replaceFile } from './replaceFile';

/** A stream the CLI writes to; `isTTY` decides whether the table uses colour. */
export interface CliOutput {
  /** text, or UTF-8 bytes (the JSON report is made as bytes) */
  write(chunk: string | Uint8Array): unknown;
  isTTY?: boolean;
}

/** The file system calls the CLI makes, so that tests can simulate failures. */
export interface CliFs {
  stat(path: string): Promise<Stats>;
  realpath(path: string): Promise<string>;
  readdir(path: string): Promise<Dirent[]>;
  /** with `maxBytes`, stops after that many bytes (a file that grows, or a device, never reads past it) */
  readFile(path: string, maxBytes?: number): Promise<Buffer>;
  /** writes the pieces (text, or UTF-8 bytes) in order, replacing the file */
  writeFile(path: string, pieces: Iterable<string | Uint8Array>): Promise<void>;
}

/**
 * Everything the CLI touches outside itself. `runCli` never uses `process`
 * directly, so it can be unit tested without spawning.
 */
export interface CliIo {
  stdout: CliOutput;
  stderr: CliOutput;
  /** standard input; undefined behaves like a closed stdin */
  stdin?: AsyncIterable<Uint8Array | string>;
  /** base for relative paths; defaults to process.cwd() */
  cwd?: string;
  /** for NO_COLOR / FORCE_COLOR; defaults to process.env */
  env?: Record<string, string | undefined>;
  fs?: Partial<CliFs>;
}

export const nodeFs: CliFs = {
  stat: p => fsp.stat(p),
  realpath: p => fsp.realpath(p),
  readdir: p => fsp.readdir(p, { withFileTypes: true }),
  // the reader's own: regular files only, read no further than the limit it asks for
  readFile: (p, maxBytes) => nodeReaderFs.readFile(p, maxBytes),
  writeFile: (p, pieces) => replaceFile(p, pieces),
};

/**
 * A process stream that stops writing, instead of crashing, once its reader
 * has gone (`posture scan . | head` gives EPIPE): that is not an error of the
 * scan, and the exit code still reports its verdict.
 */
function pipeSafe(stream: NodeJS.WriteStream): CliOutput {
  let closed = false;
  stream.on('error', () => {
    closed = true;
  });
  return {
    write: (chunk: string | Uint8Array) => (closed ? false : stream.write(chunk)),
    get isTTY() {
      return stream.isTTY === true;
    },
  };
}

/** The real process streams, for bin/posture. */
export function processIo(): CliIo {
  return {
    stdout: pipeSafe(process.stdout),
    stderr: pipeSafe(process.stderr),
    stdin: process.stdin,
    cwd: process.cwd(),
    env: process.env,
  };
}
