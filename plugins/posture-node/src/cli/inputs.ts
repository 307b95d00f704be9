import path from 'node:path';
import { CliFs } from './io';
import { decodeManifest } from './decode';

export const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];
/** The label that stands for standard input in reports. */
export const STDIN_LABEL = '<stdin>';
const SKIPPED_DIRS = new Set(['node_modules']);

/** A usage or input error that stops the run (exit code 2). */
export class InputError extends Error {}

/** A file that was found but could not be read; it is reported and the rest is scanned. */
export interface FileProblem {
  file: string;
  message: string;
}

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
}

function errnoMessage(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'EISDIR':
      return 'is a directory';
    default:
      return e instanceof Error ? e.message : String(e);
  }
}

export function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`;
}

function isManifestName(name: string): boolean {
  const ext = path.extname(name).toLowerCase();
  return MANIFEST_EXTENSIONS.includes(ext);
}

/**
 * Expands the command-line paths into manifest texts. A path that does not
 * exist is a usage error; a file that exists but is not text (binary, too
 * large, unreadable) is a per-file problem, and the rest is still scanned.
 */
export async function collectInputs(args: string[], opts: CollectOptions): Promise<CollectedInputs> {
  const { fs, cwd } = opts;
  const out: CollectedInputs = { inputs: [], problems: [] };
  // real paths already read, so that symlinks to one file or a loop of linked directories are visited once
  const seenFiles = new Set<string>();
  const seenDirs = new Set<string>();

  const readOne = async (file: string, abs: string, size: number) => {
    if (size > opts.maxBytes) {
      out.problems.push({
        file,
        message: `file is ${formatBytes(size)}, larger than the ${formatBytes(opts.maxBytes)} limit (raise it with --max-file-size)`,
      });
      return;
    }
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(abs);
    } catch (e) {
      out.problems.push({ file, message: `cannot read: ${errnoMessage(e)}` });
      return;
    }
    const decoded = decodeManifest(bytes);
    if ('error' in decoded) out.problems.push({ file, message: decoded.error });
    else out.inputs.push({ file, text: decoded.text });
  };

  const readFile = async (file: string, abs: string, knownSize: number) => {
    let real: string;
    let size = knownSize;
    try {
      real = await fs.realpath(abs);
      if (size < 0) size = (await fs.stat(abs)).size;
    } catch (e) {
      out.problems.push({ file, message: `cannot read: ${errnoMessage(e)}` });
      return;
    }
    if (seenFiles.has(real)) return;
    seenFiles.add(real);
    await readOne(file, abs, size);
  };

  // manifest files met while walking, read or not; a directory without any is a usage error
  let candidates = 0;

  const walk = async (dir: string, absDir: string): Promise<void> => {
    let real: string;
    try {
      real = await fs.realpath(absDir);
    } catch (e) {
      out.problems.push({ file: dir, message: `cannot read directory: ${errnoMessage(e)}` });
      return;
    }
    if (seenDirs.has(real)) {
      // a directory named twice, or nested in another argument, adds nothing new
      candidates++;
      return;
    }
    seenDirs.add(real);
    let entries;
    try {
      entries = await fs.readdir(absDir);
    } catch (e) {
      out.problems.push({ file: dir, message: `cannot read directory: ${errnoMessage(e)}` });
      return;
    }
    // code-point order, the same on every machine and locale
    entries.sort((a, b) => Number(a.name > b.name) - Number(a.name < b.name));
    for (const entry of entries) {
      // hidden entries (.git, .github, .gitlab-ci.yml) and dependencies are never manifests to score
      if (entry.name.startsWith('.') || SKIPPED_DIRS.has(entry.name)) continue;
      const rel = path.join(dir, entry.name);
      const abs = path.join(absDir, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      let size = -1;
      if (entry.isSymbolicLink()) {
        try {
          const st = await fs.stat(abs);
          isDir = st.isDirectory();
          isFile = st.isFile();
          size = st.size;
        } catch (e) {
          out.problems.push({ file: rel, message: `broken symbolic link: ${errnoMessage(e)}` });
          continue;
        }
      }
      if (isDir) {
        await walk(rel, abs);
      } else if (isFile && isManifestName(entry.name)) {
        candidates++;
        await readFile(rel, abs, size);
      }
    }
  };

  let usedStdin = false;
  for (const arg of args) {
    if (arg === '-') {
      if (usedStdin) throw new InputError('`-` (standard input) can be given only once');
      usedStdin = true;
      const bytes = await readStdin(opts.stdin, opts.maxBytes);
      const decoded = decodeManifest(bytes);
      if ('error' in decoded) throw new InputError(`standard input: ${decoded.error}`);
      if (!decoded.text.trim()) throw new InputError('no input on stdin');
      out.inputs.push({ file: STDIN_LABEL, text: decoded.text });
      continue;
    }
    const abs = path.resolve(cwd, arg);
    let st;
    try {
      st = await fs.stat(abs);
    } catch (e) {
      throw new InputError(`cannot read ${arg}: ${errnoMessage(e)}`);
    }
    const label = path.normalize(arg);
    if (st.isDirectory()) {
      const before = candidates + out.problems.length;
      await walk(label, abs);
      if (candidates + out.problems.length === before) {
        throw new InputError(`no ${MANIFEST_EXTENSIONS.join(', ')} files in ${arg}`);
      }
    } else if (st.isFile()) {
      // a file named explicitly is read whatever its extension
      await readFile(label, abs, st.size);
    } else {
      throw new InputError(`cannot read ${arg}: not a file or directory`);
    }
  }
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
