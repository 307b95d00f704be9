import { constants as fsConstants } from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Dirent, Stats } from 'node:fs';
import { decodeManifest } from './decode';

/**
 * The one manifest reader: the CLI, the scaffolder action and the backend's
 * `manifests` source all read files through it, so a file is read, refused or
 * skipped the same way everywhere.
 */

export const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];
const SKIPPED_DIRS = new Set(['node_modules']);

export interface ReadLimits {
  /** larger files are refused before they are read */
  maxFileBytes: number;
  /** the read stops, with one error, once the files would pass this many bytes together */
  maxTotalBytes: number;
  /** the read stops, with one error, past this many manifest files */
  maxFiles: number;
}

export const DEFAULT_LIMITS: ReadLimits = {
  maxFileBytes: 10 * 1024 * 1024,
  maxTotalBytes: 256 * 1024 * 1024,
  maxFiles: 20_000,
};

/** The file system calls the reader makes, so that tests can simulate failures. */
export interface ReaderFs {
  stat(path: string): Promise<Stats>;
  realpath(path: string): Promise<string>;
  readdir(path: string): Promise<Dirent[]>;
  /**
   * The file's bytes; with `maxBytes`, at most that many (the reader passes the per-file limit
   * plus one, so a file that grows, or whose stat size is 0, is never read past it). An
   * implementation that ignores `maxBytes` still works: the reader checks the length it gets.
   */
  readFile(path: string, maxBytes?: number): Promise<Buffer>;
}

/** What a directory entry is when it is neither a file nor a directory, for the message that skips it. */
function specialKind(st: Pick<Stats, 'isFIFO' | 'isCharacterDevice' | 'isBlockDevice' | 'isSocket'>): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'an entry of unknown type';
}

/** Big enough that a typical manifest is read in one call, small enough not to be a waste per file. */
const READ_CHUNK_MIN = 16 * 1024;
const READ_CHUNK_MAX = 1024 * 1024;

/**
 * Reads at most `maxBytes` of a regular file. It is opened non-blocking and checked with fstat, so a
 * name replaced by a FIFO or a device after the walk saw a file is refused instead of blocking the
 * read (a FIFO's open waits for a writer) or reading forever (/dev/zero).
 */
async function readRegularFile(p: string, maxBytes = Infinity): Promise<Buffer> {
  // O_NONBLOCK does not exist on Windows, where opening a FIFO by name is not a concern
  const handle = await fsp.open(p, fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0));
  try {
    const st = await handle.stat();
    if (!st.isFile()) {
      if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      throw new Error(`not a regular file (${specialKind(st)})`);
    }
    const chunks: Buffer[] = [];
    let total = 0;
    // the stat size is a hint only: the loop ends at end of file or at maxBytes, whichever is first
    const chunk = Math.min(Math.max(st.size + 1, READ_CHUNK_MIN), READ_CHUNK_MAX);
    while (total < maxBytes) {
      const buf = Buffer.allocUnsafe(Math.min(chunk, maxBytes - total));
      const { bytesRead } = await handle.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      chunks.push(bytesRead === buf.length ? buf : buf.subarray(0, bytesRead));
      total += bytesRead;
    }
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
  } finally {
    await handle.close();
  }
}

export const nodeReaderFs: ReaderFs = {
  stat: p => fsp.stat(p),
  realpath: p => fsp.realpath(p),
  readdir: p => fsp.readdir(p, { withFileTypes: true }),
  readFile: (p, maxBytes) => readRegularFile(p, maxBytes),
};

/** A path to read: absolute, and the label that names it in reports. */
export interface ReadRoot {
  abs: string;
  label: string;
}

export interface ReadOptions {
  fs?: ReaderFs;
  limits?: Partial<ReadLimits>;
  /** follow symbolic links whose target is outside every root (off: they are reported and skipped) */
  followSymlinksOutside?: boolean;
  /** labels (with `/` separators) of files that are not manifests though their extension says so */
  exclude?: (label: string) => boolean;
  /** names of limit settings, for the one line that says how to raise a limit */
  limitHints?: Partial<Record<keyof ReadLimits | 'followSymlinksOutside', string>>;
  signal?: AbortSignal;
  /** bytes already used by the caller (standard input), counted against maxTotalBytes */
  usedBytes?: number;
}

/** A file that was found but could not be read; it is reported and the rest is read. */
export interface FileProblem {
  file: string;
  message: string;
}

export interface ReadManifest {
  file: string;
  text: string;
}

export interface ReadResult {
  inputs: ReadManifest[];
  problems: FileProblem[];
  /** labels of directory roots that held no manifest file at all */
  emptyDirectories: string[];
  /** bytes read */
  bytes: number;
}

/** The input cannot be read as a whole (a root that does not exist, a total limit passed). */
export class ManifestReadError extends Error {}

export function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`;
}

export function errnoMessage(e: unknown): string {
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

function isManifestName(name: string): boolean {
  return MANIFEST_EXTENSIONS.includes(path.extname(name).toLowerCase());
}

/**
 * Whether `real` is `root` or under it. Only a first segment that is exactly `..` leaves the root:
 * `..data/app.yaml` and `..2026_12_07_10_00_00.123/app.yaml` are inside (the kubelet mounts every
 * ConfigMap and Secret volume as `app.yaml -> ..data/app.yaml`, `..data -> ..<timestamp>`), while
 * `..` and `../x` are outside. An absolute result is another drive on Windows.
 */
function isWithin(real: string, root: string): boolean {
  const rel = path.relative(root, real);
  if (rel === '') return true;
  return rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

/**
 * Reads the manifest files under the roots. Directories are walked in code
 * point order; hidden entries and node_modules are skipped. A symbolic link is
 * followed only when its target lies inside one of the roots (unless
 * `followSymlinksOutside`), and every file and directory is visited once by
 * its real path, so a link loop ends. A file that is not UTF-8 text, too large
 * or unreadable is a problem and the rest is read; passing the total byte or
 * file limit stops the read with one ManifestReadError.
 */
export async function readManifestTree(roots: ReadRoot[], options: ReadOptions = {}): Promise<ReadResult> {
  const fs = options.fs ?? nodeReaderFs;
  const limits: ReadLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const hint = (k: keyof ReadLimits | 'followSymlinksOutside') => (options.limitHints?.[k] ? ` (raise it with ${options.limitHints[k]})` : '');
  const out: ReadResult = { inputs: [], problems: [], emptyDirectories: [], bytes: options.usedBytes ?? 0 };
  const seenFiles = new Set<string>();
  const seenDirs = new Set<string>();
  let files = 0;

  // the real roots: a link is inside when its target is under one of them
  const realRoots: string[] = [];
  for (const root of roots) {
    try {
      realRoots.push(await fs.realpath(root.abs));
    } catch (e) {
      throw new ManifestReadError(`cannot read ${root.label}: ${errnoMessage(e)}`);
    }
  }
  const inside = (real: string) => options.followSymlinksOutside || realRoots.some(r => isWithin(real, r));

  const readOne = async (file: string, abs: string, size: number) => {
    files++;
    if (files > limits.maxFiles) {
      throw new ManifestReadError(`more than ${limits.maxFiles} manifest files: the input is refused${hint('maxFiles')}`);
    }
    if (size > limits.maxFileBytes) {
      out.problems.push({
        file,
        message: `file is ${formatBytes(size)}, larger than the ${formatBytes(limits.maxFileBytes)} limit${hint('maxFileBytes')}`,
      });
      return;
    }
    if (out.bytes + size > limits.maxTotalBytes) {
      throw new ManifestReadError(
        `the input passes the ${formatBytes(limits.maxTotalBytes)} total limit at ${file}: it is refused${hint('maxTotalBytes')}`,
      );
    }
    let bytes: Buffer;
    try {
      // The size can change between stat and read, and reads as 0 for a file being written or one
      // in /proc: the read itself stops one byte past the limit, enough to tell the file is too large.
      bytes = await fs.readFile(abs, limits.maxFileBytes + 1);
    } catch (e) {
      out.problems.push({ file, message: `cannot read: ${errnoMessage(e)}` });
      return;
    }
    if (bytes.length > limits.maxFileBytes) {
      out.problems.push({ file, message: `file is larger than the ${formatBytes(limits.maxFileBytes)} limit${hint('maxFileBytes')}` });
      return;
    }
    // the check above the read used the stat size; this one uses the bytes actually read
    if (out.bytes + bytes.length > limits.maxTotalBytes) {
      throw new ManifestReadError(
        `the input passes the ${formatBytes(limits.maxTotalBytes)} total limit at ${file}: it is refused${hint('maxTotalBytes')}`,
      );
    }
    out.bytes += bytes.length;
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

  // manifest files met while walking a root, read or not
  let candidates = 0;

  const walk = async (dir: string, absDir: string): Promise<void> => {
    options.signal?.throwIfAborted();
    let real: string;
    try {
      real = await fs.realpath(absDir);
    } catch (e) {
      out.problems.push({ file: dir, message: `cannot read directory: ${errnoMessage(e)}` });
      return;
    }
    if (seenDirs.has(real)) {
      // a directory named twice, nested in another root, or reached again through a link loop
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
      // what the entry is, or what its link points to, when that is neither a file nor a directory
      let special: Pick<Stats, 'isFIFO' | 'isCharacterDevice' | 'isBlockDevice' | 'isSocket'> = entry;
      let size = -1;
      if (entry.isSymbolicLink()) {
        let target: string;
        try {
          target = await fs.realpath(abs);
          const st = await fs.stat(abs);
          isDir = st.isDirectory();
          isFile = st.isFile();
          special = st;
          size = st.size;
        } catch (e) {
          out.problems.push({ file: rel, message: `broken symbolic link: ${errnoMessage(e)}` });
          continue;
        }
        if ((isDir || (isFile && isManifestName(entry.name))) && !inside(target)) {
          if (isFile) candidates++;
          out.problems.push({
            file: rel,
            message: `symbolic link to outside the scanned paths is not followed${hint('followSymlinksOutside').replace('raise', 'allow')}`,
          });
          continue;
        }
      }
      if (isDir) {
        await walk(rel, abs);
      } else if (isManifestName(entry.name) && !options.exclude?.(rel.split(path.sep).join('/'))) {
        candidates++;
        if (isFile) {
          await readFile(rel, abs, size);
        } else {
          // A FIFO, a device (a link to /dev/zero) or a socket named like a manifest: never opened,
          // since a FIFO's open blocks and a device can be read forever, and said so, as every other
          // entry that is not read is, rather than left out without a word.
          out.problems.push({ file: rel, message: `not a regular file (${specialKind(special)}): it is not read` });
        }
      }
    }
  };

  for (const root of roots) {
    let st;
    try {
      st = await fs.stat(root.abs);
    } catch (e) {
      throw new ManifestReadError(`cannot read ${root.label}: ${errnoMessage(e)}`);
    }
    if (st.isDirectory()) {
      const before = candidates + out.problems.length;
      await walk(root.label, root.abs);
      if (candidates + out.problems.length === before) out.emptyDirectories.push(root.label);
    } else if (st.isFile()) {
      // a file named explicitly is read whatever its extension
      await readFile(root.label, root.abs, st.size);
    } else {
      throw new ManifestReadError(`cannot read ${root.label}: not a file or directory`);
    }
  }
  return out;
}
