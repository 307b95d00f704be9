#!/usr/bin/env node
// Checks a packed Posture package the way an installing app will see it:
// - published, with every entry point (main, module, types, exports, bin) pointing at a file in the tarball;
// - no `workspace:` ranges left, dependencies on each other by a plain semver range;
// - a config schema when the package declares one, migrations and a Node engine where they belong;
// - no shipped JavaScript reaching outside its package (../../examples, deploy/, docs/, ../shared).
// usage: check-tarball.mjs <file.tgz>
import fs from 'node:fs';
import { readTarball } from './tarball.mjs';

const file = process.argv[2];
const files = readTarball(fs.readFileSync(file));
const pkg = JSON.parse(files.get('package.json').toString('utf8'));
const problems = [];
const has = p => files.has(p.replace(/^\.\//, ''));

if (pkg.private) problems.push('is private');
for (const key of ['main', 'module', 'types']) {
  if (pkg[key] && !has(pkg[key])) problems.push(`${key} → ${pkg[key]} is not in the tarball`);
}
const walkExports = (value, where) => {
  if (typeof value === 'string') {
    if (!has(value)) problems.push(`exports ${where} → ${value} is not in the tarball`);
  } else if (value && typeof value === 'object') {
    // the `backstage` condition names the feature type (e.g. @backstage/FrontendPlugin), not a file
    for (const [k, v] of Object.entries(value)) if (k !== 'backstage') walkExports(v, `${where}.${k}`);
  }
};
walkExports(pkg.exports, '');
for (const [entry, paths] of Object.entries(pkg.typesVersions?.['*'] ?? {})) {
  for (const p of paths) if (!has(p)) problems.push(`typesVersions ${entry} → ${p} is not in the tarball`);
}
for (const [name, p] of Object.entries(typeof pkg.bin === 'string' ? { [pkg.name]: pkg.bin } : pkg.bin ?? {})) {
  if (!has(p)) problems.push(`bin ${name} → ${p} is not in the tarball`);
  if (!pkg.engines?.node) problems.push(`bin ${name} but no engines.node`);
}
for (const section of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
  for (const [name, range] of Object.entries(pkg[section] ?? {})) {
    if (/^(workspace|file|link|portal|patch):/.test(range)) problems.push(`${section} ${name}@${range}`);
  }
}
if (pkg.configSchema) {
  if (typeof pkg.configSchema !== 'string' || !has(pkg.configSchema)) problems.push(`configSchema ${pkg.configSchema} is not in the tarball`);
  else if (pkg.configSchema.endsWith('.d.ts')) problems.push('configSchema is still the TypeScript source (prepack did not run)');
}
if (pkg.backstage?.role === 'backend-plugin' && pkg.name.endsWith('-posture-backend')) {
  if (![...files.keys()].some(f => f.startsWith('migrations/'))) problems.push('no migrations/');
}
const outside = /['"`](?:\.\.\/)+(?:examples|deploy|docs|shared)\b|['"`]\.\.\/\.\.\/\.\.\//;
for (const [name, body] of files) {
  if (!/\.(c|m)?js$/.test(name)) continue;
  const m = body.toString('utf8').match(outside);
  if (m) problems.push(`${name} reaches outside the package: ${m[0]}`);
}
if (problems.length) {
  console.error(`[check-tarball] ${pkg.name}@${pkg.version}:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`[check-tarball] ${pkg.name}@${pkg.version}: ${files.size} files, entry points and dependencies OK`);
