import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ManifestReadError, ReaderFs, nodeReaderFs, readManifestTree } from './manifestReader';

const POD = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: x}]}\n';

const created: string[] = [];
afterAll(() => created.forEach(d => fs.rmSync(d, { recursive: true, force: true })));

function tempDir(): string {
  // the real path, so that expectations do not depend on a linked /tmp
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'posture-reader-')));
  created.push(dir);
  return dir;
}

/** The layout the kubelet gives a ConfigMap volume: visible names link through `..data` to a timestamped directory. */
function configMapVolume(dir: string, files: Record<string, string>) {
  const stamp = '..2026_12_07_10_00_00.123';
  fs.mkdirSync(path.join(dir, stamp), { recursive: true });
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, stamp, name), text);
  fs.symlinkSync(stamp, path.join(dir, '..data'));
  for (const name of Object.keys(files)) fs.symlinkSync(path.join('..data', name), path.join(dir, name));
}

describe('readManifestTree: symbolic links', () => {
  it('reads a ConfigMap volume, whose files resolve to paths starting with ".." inside the root', async () => {
    const dir = tempDir();
    configMapVolume(dir, { 'app.yaml': POD, 'more.yml': POD });
    const read = await readManifestTree([{ abs: dir, label: 'cm' }]);
    expect(read.problems).toEqual([]);
    expect(read.inputs.map(i => i.file)).toEqual([path.join('cm', 'app.yaml'), path.join('cm', 'more.yml')]);
    expect(read.emptyDirectories).toEqual([]);
  });

  it('still refuses links out of the root, including to a sibling whose name starts with the root name and "..", and ends a loop', async () => {
    const base = tempDir();
    const root = path.join(base, 'cm');
    fs.mkdirSync(root);
    configMapVolume(root, { 'app.yaml': POD });
    // siblings of the root: `cm..evil` relative to `cm` is `../cm..evil`, outside
    fs.mkdirSync(path.join(base, 'cm..evil'));
    fs.writeFileSync(path.join(base, 'cm..evil', 'x.yaml'), POD);
    fs.mkdirSync(path.join(base, '..outside'));
    fs.writeFileSync(path.join(base, '..outside', 'y.yaml'), POD);
    fs.symlinkSync(path.join(base, 'cm..evil', 'x.yaml'), path.join(root, 'evil.yaml'));
    fs.symlinkSync(path.join(base, 'cm..evil'), path.join(root, 'evildir'));
    fs.symlinkSync(path.join('..', '..outside', 'y.yaml'), path.join(root, 'up.yaml'));
    fs.mkdirSync(path.join(root, 'sub'));
    fs.symlinkSync('..', path.join(root, 'sub', 'loop'));

    const read = await readManifestTree([{ abs: root, label: 'cm' }]);
    expect(read.inputs.map(i => i.file)).toEqual([path.join('cm', 'app.yaml')]);
    expect(read.problems.map(p => p.file).sort()).toEqual(
      [path.join('cm', 'evil.yaml'), path.join('cm', 'evildir'), path.join('cm', 'up.yaml')].sort(),
    );
    for (const p of read.problems) expect(p.message).toMatch(/symbolic link to outside the scanned paths is not followed/);
  });
});

describe('readManifestTree: entries that are not regular files', () => {
  it('reports a .yaml link to /dev/zero and a .yaml FIFO, one problem each, without opening them', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'ok.yaml'), POD);
    fs.symlinkSync('/dev/zero', path.join(dir, 'zero.yaml'));
    execFileSync('mkfifo', [path.join(dir, 'fifo.yaml')]);
    // not a manifest name: skipped as any other extension is
    execFileSync('mkfifo', [path.join(dir, 'fifo.txt')]);
    const opened: string[] = [];
    const read = await readManifestTree([{ abs: dir, label: 'd' }], {
      followSymlinksOutside: true,
      fs: {
        ...nodeReaderFs,
        readFile: (p, max) => {
          opened.push(p);
          return nodeReaderFs.readFile(p, max);
        },
      },
    });
    expect(read.inputs.map(i => i.file)).toEqual([path.join('d', 'ok.yaml')]);
    expect(read.problems).toEqual([
      { file: path.join('d', 'fifo.yaml'), message: 'not a regular file (a FIFO): it is not read' },
      { file: path.join('d', 'zero.yaml'), message: 'not a regular file (a character device): it is not read' },
    ]);
    expect(opened).toEqual([path.join(dir, 'ok.yaml')]);
  });

  it('reports a directory holding only a FIFO manifest as a problem, not as an empty directory', async () => {
    const dir = tempDir();
    execFileSync('mkfifo', [path.join(dir, 'only.yaml')]);
    const read = await readManifestTree([{ abs: dir, label: 'd' }]);
    expect(read.problems).toHaveLength(1);
    expect(read.emptyDirectories).toEqual([]);
  });

  it('does not block on a file replaced by a FIFO after it was listed', async () => {
    const dir = tempDir();
    execFileSync('mkfifo', [path.join(dir, 'swapped.yaml')]);
    await expect(nodeReaderFs.readFile(path.join(dir, 'swapped.yaml'), 1024)).rejects.toThrow(/not a regular file/);
  });
});

describe('readManifestTree: a file whose size reads as 0', () => {
  // a file being written, or one in /proc: its stat size says nothing about what a read returns
  const zeroSized = (reads: number[]): ReaderFs => ({
    ...nodeReaderFs,
    stat: async p => {
      const st = await fsp.stat(p);
      return st.isFile() ? Object.assign(st, { size: 0 }) : st;
    },
    readFile: async (p, max) => {
      const b = await nodeReaderFs.readFile(p, max);
      reads.push(b.length);
      return b;
    },
  });

  it('stops reading at the per-file limit plus one byte and reports the file as too large', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'big.yaml'), Buffer.alloc(300 * 1024, 0x20));
    fs.writeFileSync(path.join(dir, 'ok.yaml'), POD);
    const reads: number[] = [];
    const read = await readManifestTree([{ abs: dir, label: 'd' }], { fs: zeroSized(reads), limits: { maxFileBytes: 100 * 1024 } });
    expect(reads).toEqual([100 * 1024 + 1, POD.length]);
    expect(read.problems).toEqual([{ file: path.join('d', 'big.yaml'), message: 'file is larger than the 100 KB limit' }]);
    expect(read.inputs.map(i => i.file)).toEqual([path.join('d', 'ok.yaml')]);
  });

  it('checks the total limit again with the bytes actually read', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'a.yaml'), `${POD}#${' '.repeat(60 * 1024)}\n`);
    fs.writeFileSync(path.join(dir, 'b.yaml'), `${POD}#${' '.repeat(60 * 1024)}\n`);
    await expect(
      readManifestTree([{ abs: dir, label: 'd' }], { fs: zeroSized([]), limits: { maxFileBytes: 100 * 1024, maxTotalBytes: 100 * 1024 } }),
    ).rejects.toThrow(new ManifestReadError(`the input passes the 100 KB total limit at ${path.join('d', 'b.yaml')}: it is refused`));
  });
});
