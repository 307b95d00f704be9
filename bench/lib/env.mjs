// Shared plumbing for the benchmark scripts: paths, module resolution, statistics.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
);
export const ROOT = path.resolve(BENCH_DIR, '..');
export const SHARED_DIR =
  process.env.POSTURE_SHARED_DIR ?? path.resolve(ROOT, '../shared');
export const RESULTS_DIR = path.join(BENCH_DIR, 'results');

/** Resolves packages the way the backend plugin does (autocannon, pg, knex... are its dependencies). */
export const backendRequire = createRequire(
  path.join(ROOT, 'plugins/posture-backend/package.json'),
);
export const rootRequire = createRequire(path.join(ROOT, 'package.json'));

/**
 * Node flags that let a worker `require` the TypeScript sources through the same
 * transform `backstage-cli` uses for backend packages.
 */
export const TS_FLAGS = [
  '--require',
  backendRequire.resolve('@backstage/cli/config/nodeTransform.cjs'),
];

export const QUICK = process.env.BENCH_QUICK === '1';

export function summarize(values) {
  const v = [...values].sort((a, b) => a - b);
  const mid = Math.floor(v.length / 2);
  const median = v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  return { median, min: v[0], max: v[v.length - 1], n: v.length, values };
}

export function reps(defaultCount = 5) {
  const n = Number(process.env.BENCH_REPS ?? defaultCount);
  // the published figures are medians of at least five runs
  return Number.isInteger(n) && n >= 1 ? n : defaultCount;
}

export const sleep = ms => new Promise(r => setTimeout(r, ms));
