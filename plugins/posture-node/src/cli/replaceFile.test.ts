import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { replaceFile } from './replaceFile';

describe('replaceFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'posture-replace-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const pieces = () => ['{"a":', Buffer.from('"é"'), '}\n'];
  const entries = () => fs.readdirSync(dir).sort();

  it('writes a new file, text and bytes in order, and leaves nothing else', async () => {
    const file = path.join(dir, 'report.json');
    await replaceFile(file, pieces());
    expect(fs.readFileSync(file, 'utf8')).toBe('{"a":"é"}\n');
    expect(entries()).toEqual(['report.json']);
  });

  it('replaces a regular file by a new one, keeping its permissions', async () => {
    const file = path.join(dir, 'report.json');
    fs.writeFileSync(file, 'x'.repeat(10_000));
    fs.chmodSync(file, 0o640);
    const before = fs.statSync(file).ino;
    await replaceFile(file, pieces());
    expect(fs.readFileSync(file, 'utf8')).toBe('{"a":"é"}\n');
    expect(fs.statSync(file).ino).not.toBe(before);
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o640);
    expect(entries()).toEqual(['report.json']);
  });

  it('leaves the old file as it was when making the pieces fails', async () => {
    const file = path.join(dir, 'report.json');
    fs.writeFileSync(file, 'old');
    function* failing() {
      yield 'new';
      throw new Error('boom');
    }
    await expect(replaceFile(file, failing())).rejects.toThrow('boom');
    expect(fs.readFileSync(file, 'utf8')).toBe('old');
    expect(entries()).toEqual(['report.json']);
  });

  it('writes through a symbolic link, and into a file with other hard links, in place', async () => {
    if (process.platform === 'win32') return;
    const target = path.join(dir, 'target.json');
    const link = path.join(dir, 'link.json');
    fs.writeFileSync(target, 'old');
    fs.symlinkSync(target, link);
    await replaceFile(link, pieces());
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(target, 'utf8')).toBe('{"a":"é"}\n');

    const other = path.join(dir, 'other.json');
    fs.linkSync(target, other);
    await replaceFile(target, ['again']);
    expect(fs.readFileSync(other, 'utf8')).toBe('again');
    expect(entries()).toEqual(['link.json', 'other.json', 'target.json']);
  });

  it('fails as opening the file fails when its folder does not exist', async () => {
    await expect(replaceFile(path.join(dir, 'missing', 'report.json'), pieces())).rejects.toThrow(/ENOENT/);
    expect(entries()).toEqual([]);
  });

  it('copies the report into the file when it cannot be replaced', async () => {
    const file = path.join(dir, 'report.json');
    fs.writeFileSync(file, 'old');
    const rename = jest.spyOn(fsp, 'rename').mockRejectedValueOnce(Object.assign(new Error('busy'), { code: 'EPERM' }));
    let calls: number;
    try {
      await replaceFile(file, pieces());
    } finally {
      calls = rename.mock.calls.length;
      rename.mockRestore();
    }
    expect(calls).toBe(1);
    expect(fs.readFileSync(file, 'utf8')).toBe('{"a":"é"}\n');
    expect(entries()).toEqual(['report.json']);
  });
});
