import { spawn } from 'node:child_process';
import path from 'node:path';
import { BENCH_DIR, ROOT, TS_FLAGS } from './env.mjs';

/**
 * Runs a worker script under the TypeScript transform and returns what it reported. Each figure runs
 * in its own process so that heaps, JIT state and open handles never leak from one into another.
 */
export function runWorker(
  script,
  args = [],
  { nodeFlags = [], env = {}, log = true } = {},
) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...TS_FLAGS, ...nodeFlags, path.join(BENCH_DIR, script), ...args],
      {
        cwd: ROOT,
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', d => {
      out += d;
    });
    child.stderr.on('data', d => {
      err += d;
      if (log) process.stderr.write(d);
    });
    child.on('error', reject);
    child.on('close', code => {
      const line = out.split('\n').find(l => l.startsWith('BENCH_RESULT '));
      if (code !== 0 || !line) {
        reject(
          new Error(
            `${script} ${args.join(' ')} exited with ${code}\n${out.slice(
              -2000,
            )}\n${err.slice(-4000)}`,
          ),
        );
        return;
      }
      resolve(JSON.parse(line.slice('BENCH_RESULT '.length)));
    });
  });
}
