#!/usr/bin/env node
// A read-only npm registry for one scope, serving the tarballs `yarn pack` just made.
// The install test points only the @posture-dev scope at it (every other package still comes from the
// configured registry), so the app installs Posture exactly as a user does after a release: by name and
// semver range, with the tarballs depending on each other by range — no `file:` specifiers, no resolutions.
//
// usage: node registry.mjs <dir with *.tgz> <port file>
// Listens on a free port on 127.0.0.1 and writes "http://localhost:<port>" to <port file>.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { readManifest } from './tarball.mjs';

const [dir, portFile] = process.argv.slice(2);
if (!dir || !portFile) {
  process.stderr.write('usage: registry.mjs <tarball dir> <port file>\n');
  process.exit(2);
}

const packages = new Map(); // name -> { manifest, file, integrity, shasum }
for (const file of fs.readdirSync(dir).filter(f => f.endsWith('.tgz'))) {
  const buf = fs.readFileSync(path.join(dir, file));
  const manifest = readManifest(buf);
  packages.set(manifest.name, {
    manifest,
    file,
    integrity: `sha512-${crypto.createHash('sha512').update(buf).digest('base64')}`,
    shasum: crypto.createHash('sha1').update(buf).digest('hex'),
  });
}

const server = http.createServer((req, res) => {
  const url = decodeURIComponent((req.url ?? '/').split('?')[0]);
  const base = `http://${req.headers.host}`;
  if (url.startsWith('/-/tarballs/')) {
    const file = path.basename(url);
    const entry = [...packages.values()].find(p => p.file === file);
    if (!entry) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    return void fs.createReadStream(path.join(dir, file)).pipe(res);
  }
  const entry = packages.get(url.replace(/^\//, ''));
  if (!entry) {
    res.writeHead(404, { 'content-type': 'application/json' });
    return void res.end('{"error":"not found"}');
  }
  const { manifest } = entry;
  // published a week ago, so the app's npmMinimalAgeGate (3 days) treats it as it will a real release
  const published = new Date(Date.now() - 7 * 24 * 3600 * 1000).toISOString();
  const body = {
    name: manifest.name,
    'dist-tags': { latest: manifest.version },
    time: { created: published, modified: published, [manifest.version]: published },
    versions: {
      [manifest.version]: {
        ...manifest,
        _id: `${manifest.name}@${manifest.version}`,
        dist: {
          tarball: `${base}/-/tarballs/${entry.file}`,
          integrity: entry.integrity,
          shasum: entry.shasum,
        },
      },
    },
  };
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  fs.writeFileSync(portFile, `http://localhost:${port}`);
  process.stdout.write(`[registry] serving ${[...packages.keys()].join(', ')} on port ${port}\n`);
});
