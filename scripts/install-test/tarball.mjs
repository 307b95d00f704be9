// Reads the entries of a package tarball (.tgz) without a tar dependency: ustar headers are 512-byte blocks.
import zlib from 'node:zlib';

/** @returns {Map<string, Buffer>} file path inside the tarball (without `package/`) → contents */
export function readTarball(buf) {
  const tar = zlib.gunzipSync(buf);
  const files = new Map();
  let longName;
  for (let off = 0; off + 512 <= tar.length; ) {
    const field = (start, len) => tar.subarray(off + start, off + start + len).toString('utf8').replace(/\0.*$/s, '');
    const name = field(0, 100);
    if (!name) break;
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1);
    const prefix = field(345, 155);
    const body = tar.subarray(off + 512, off + 512 + size);
    if (type === 'L') {
      longName = body.toString('utf8').replace(/\0.*$/s, '');
    } else {
      const full = longName ?? (prefix ? `${prefix}/${name}` : name);
      longName = undefined;
      if (type === '0' || type === '') files.set(full.replace(/^package\//, ''), Buffer.from(body));
    }
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

export function readManifest(buf) {
  const pkg = readTarball(buf).get('package.json');
  if (!pkg) throw new Error('no package/package.json in the tarball');
  return JSON.parse(pkg.toString('utf8'));
}
