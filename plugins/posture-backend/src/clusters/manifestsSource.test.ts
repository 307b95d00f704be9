import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManifestsClusterSource } from './manifestsSource';

const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}}\ndata: {a: b}\n`;

describe('ManifestsClusterSource reads through the shared manifest reader', () => {
  let dir: string;
  let outside: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'posture-ms-'));
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'posture-ms-out-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });
  const source = (limits = {}) => new ManifestsClusterSource({ name: 'demo', path: dir } as any, '/', limits);

  it('warns, as the CLI does, on invalid UTF-8, links out of the directory, duplicate keys and large files', async () => {
    fs.writeFileSync(path.join(dir, 'ok.yaml'), cm('ok'));
    fs.writeFileSync(path.join(dir, 'bad.yaml'), Buffer.from([0x6b, 0x3a, 0x20, 0xff, 0xfe, 0x0a]));
    fs.writeFileSync(path.join(dir, 'dup.yaml'), `${cm('dup')}kind: Secret\n`);
    fs.writeFileSync(path.join(dir, 'big.yaml'), `${cm('big')}# ${'x'.repeat(4096)}\n`);
    fs.writeFileSync(path.join(outside, 'far.yaml'), cm('far'));
    fs.symlinkSync(outside, path.join(dir, 'link'));
    const snap = await source({ maxFileBytes: 2048 }).collect(new AbortController().signal);
    expect(snap.objects.map(o => o.metadata.name)).toEqual(['ok']);
    expect(snap.warnings).toEqual([
      'bad.yaml: not UTF-8 text (binary file?)',
      'big.yaml: file is 5 KB, larger than the 2 KB limit',
      'link: symbolic link to outside the scanned paths is not followed',
      'dup.yaml: document 0 has a duplicate key "kind" at line 5 (kubectl rejects it; remove one of them)',
    ]);
  });

  it('follows a symlinked file inside the directory, as the CLI does, and says why it refuses one leading out', async () => {
    fs.mkdirSync(path.join(dir, 'base'));
    fs.writeFileSync(path.join(dir, 'base', 'real.yaml'), cm('shared'));
    fs.symlinkSync(path.join(dir, 'base'), path.join(dir, 'overlay'));
    fs.writeFileSync(path.join(outside, 'far.yaml'), cm('far'));
    fs.symlinkSync(path.join(outside, 'far.yaml'), path.join(dir, 'far.yaml'));
    const snap = await source().collect(new AbortController().signal);
    // read once, although two paths lead to it; the file outside is not read and not skipped silently
    expect(snap.objects.map(o => o.metadata.name)).toEqual(['shared']);
    expect(snap.warnings).toEqual(['far.yaml: symbolic link to outside the scanned paths is not followed']);
  });

  it('fails the cluster with one line past the total size or file count', async () => {
    for (let i = 0; i < 4; i++) fs.writeFileSync(path.join(dir, `m${i}.yaml`), cm(`m${i}`));
    await expect(source({ maxFiles: 3 }).collect(new AbortController().signal)).rejects.toThrow(
      /^manifests directory .*: more than 3 manifest files: the input is refused$/,
    );
    await expect(source({ maxTotalBytes: 100 }).collect(new AbortController().signal)).rejects.toThrow(
      /the input passes the 1 KB total limit at m1\.yaml: it is refused$/,
    );
  });
});
