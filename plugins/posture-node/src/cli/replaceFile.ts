import { randomBytes } from 'node:crypto';
import fsp, { FileHandle } from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes the pieces to `file`, replacing it. A regular file (or a new one) is replaced whole: the
 * pieces go to a new file beside it, which is then renamed over it, so a reader never sees half a
 * report and a failed write leaves the old one as it was. It is also faster for large reports:
 * truncating a file of hundreds of megabytes that was just written, and the flush ext4 starts when a
 * truncated file is closed, cost about 0.2 s each time a scan wrote its report over the last one.
 * Anything else (a symbolic link, a device such as /dev/stdout, a pipe, a file with other hard links
 * or another owner, a folder where no new file can be made) is written in place, as before.
 */
export async function replaceFile(file: string, pieces: Iterable<string | Uint8Array>): Promise<void> {
  const temp = await tempBeside(file);
  if (!temp) {
    await writeAll(await fsp.open(file, 'w'), pieces);
    return;
  }
  try {
    await writeAll(temp.handle, pieces);
    try {
      await fsp.rename(temp.path, file);
    } catch {
      // the file could not be replaced (Windows refuses while another program has it open): the
      // report is copied into it instead, as writing it in place would have done
      await fsp.copyFile(temp.path, file);
    }
  } finally {
    await fsp.rm(temp.path, { force: true }).catch(() => undefined);
  }
}

/** A new file beside `file` to write in its place, or undefined when `file` must be written in place. */
async function tempBeside(file: string): Promise<{ path: string; handle: FileHandle } | undefined> {
  let mode: number | undefined;
  try {
    const st = await fsp.lstat(file);
    const uid = process.getuid?.();
    if (!st.isFile() || st.nlink !== 1 || (uid !== undefined && st.uid !== uid)) return undefined;
    mode = st.mode & 0o777;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return undefined;
  }
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  let handle: FileHandle;
  try {
    handle = await fsp.open(temp, 'wx');
  } catch {
    return undefined;
  }
  try {
    // the replaced file keeps its permissions; a new one gets the default, as open(file, 'w') gives
    if (mode !== undefined) await handle.chmod(mode);
  } catch {
    await handle.close().catch(() => undefined);
    await fsp.rm(temp, { force: true }).catch(() => undefined);
    return undefined;
  }
  return { path: temp, handle };
}

/** Writes the pieces in order and closes the file. */
async function writeAll(handle: FileHandle, pieces: Iterable<string | Uint8Array>): Promise<void> {
  // the next piece is made while the last one is written: awaiting each write before making the
  // next left the process idle for a tenth of a large scan
  let pending: Promise<unknown> = Promise.resolve();
  try {
    for (const piece of pieces) {
      await pending;
      pending = typeof piece === 'string' ? handle.write(piece, null, 'utf8') : handle.write(piece);
    }
    await pending;
  } finally {
    await pending.catch(() => undefined);
    await handle.close();
  }
}
