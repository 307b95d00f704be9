import fsp from 'node:fs/promises';
import type { Dirent, Stats } from 'node:fs';

/** A stream the CLI writes to; `isTTY` decides whether the table uses colour. */
export interface CliOutput {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

/** The file system calls the CLI makes, so that tests can simulate failures. */
export interface CliFs {
  stat(path: string): Promise<Stats>;
  realpath(path: string): Promise<string>;
  readdir(path: string): Promise<Dirent[]>;
  readFile(path: string): Promise<Buffer>;
  writeFile(path: string, data: string): Promise<void>;
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
  readFile: p => fsp.readFile(p),
  writeFile: (p, data) => fsp.writeFile(p, data, 'utf8'),
};

/** The real process streams, for bin/posture. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    cwd: process.cwd(),
    env: process.env,
  };
}
