#!/usr/bin/env node
// The templates and the demo live at the repository root (templates/, examples/), where the demo app and the
// template tests read them. Packing copies them into this package so that an installed app reads them from
// node_modules, and `clean` removes the copies after `yarn pack`, so the repository keeps one source of truth.
//
// npm and Yarn never pack a file or directory named .gitignore, .npmignore or .github, at any depth, and the
// template skeletons have all three (the generated repository's ignore file and its CI workflow). So `copy`
// stores every dot-named entry under an encoded name, and `restore` (the package's postinstall) renames them back
// in the installed package. Both are idempotent.
//
// usage: content.mjs copy|clean|restore
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const pkgDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CONTENT = ['templates', 'examples'];
export const DOT_PREFIX = '__posture-dot__';

// generated or local files never belong in the package
const SKIP = new Set(['node_modules', '.DS_Store', 'dist', 'dist-types']);

const encode = name => (name.startsWith('.') ? `${DOT_PREFIX}${name.slice(1)}` : name);

function copy(from, to) {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue;
    const src = path.join(from, entry.name);
    const dst = path.join(to, encode(entry.name));
    if (entry.isDirectory()) copy(src, dst);
    else if (entry.isFile()) fs.copyFileSync(src, dst);
    // symlinks and other special files are skipped: a package must not point outside itself
  }
}

function restore(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    let full = path.join(dir, entry.name);
    if (entry.name.startsWith(DOT_PREFIX)) {
      const renamed = path.join(dir, `.${entry.name.slice(DOT_PREFIX.length)}`);
      fs.rmSync(renamed, { recursive: true, force: true });
      fs.renameSync(full, renamed);
      full = renamed;
    }
    if (entry.isDirectory()) restore(full);
  }
}

const mode = process.argv[2];
if (!['copy', 'clean', 'restore'].includes(mode)) {
  process.stderr.write('usage: content.mjs copy|clean|restore\n');
  process.exit(2);
}
for (const name of CONTENT) {
  const target = path.join(pkgDir, name);
  if (mode === 'restore') {
    // in the repository (no copied content) there is nothing to restore
    if (fs.existsSync(target)) restore(target);
    continue;
  }
  fs.rmSync(target, { recursive: true, force: true });
  if (mode === 'copy') {
    const source = path.resolve(pkgDir, '../..', name);
    if (!fs.existsSync(source)) {
      process.stderr.write(`posture-golden-paths: ${source} is missing; pack from a checkout of the repository\n`);
      process.exit(1);
    }
    copy(source, target);
  }
}
