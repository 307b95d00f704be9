import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/** Keys are restricted so that a key can never name a path outside the data directory. */
export const KEY = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * A key-value store in files on this replica's own volume. Writes are atomic (temp file, fsync, rename), so a
 * crash leaves the old value or the new one, never half of each. Replace it with the state your service keeps.
 */
export class FileStore {
  constructor(private readonly dir: string) {}

  async init(): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    // leftovers of writes interrupted by a crash
    for (const name of await fs.readdir(this.dir)) {
      if (name.endsWith('.tmp')) await fs.rm(path.join(this.dir, name), { force: true });
    }
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      return await fs.readFile(this.file(key));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  async put(key: string, value: Buffer): Promise<void> {
    const tmp = path.join(this.dir, `${randomUUID()}.tmp`);
    const handle = await fs.open(tmp, 'w', 0o640);
    try {
      await handle.writeFile(value);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, this.file(key));
  }

  async delete(key: string): Promise<boolean> {
    try {
      await fs.rm(this.file(key));
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw e;
    }
  }

  /** The volume is mounted and writable. */
  async writable(): Promise<boolean> {
    try {
      await fs.access(this.dir, fs.constants.W_OK);
      return true;
    } catch {
      return false;
    }
  }

  private file(key: string): string {
    if (!KEY.test(key)) throw new Error('invalid key');
    return path.join(this.dir, `${key}.val`);
  }
}
