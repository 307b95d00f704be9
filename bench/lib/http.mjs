// Starting the benchmark backend and driving it with autocannon.
import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { BENCH_DIR, ROOT, TS_FLAGS, backendRequire } from './env.mjs';

const autocannon = backendRequire('autocannon');

/** Starts a worker that prints `URL <url> ...` and serves until its stdin closes. */
export function startServerWorker(script, args, { label = script } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...TS_FLAGS, path.join(BENCH_DIR, script), ...args],
      {
        cwd: ROOT,
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stderr.on('data', d => {
      err += d;
      process.stderr.write(d);
    });
    child.stdout.on('data', d => {
      out += d;
      const m = /^URL (\S+)(.*)$/m.exec(out);
      if (m) {
        resolve({
          url: m[1],
          info: m[2].trim(),
          stop: () =>
            new Promise(done => {
              child.once('close', done);
              child.stdin.end();
              // a worker that ignores stdin is still ended, by its own pid only
              setTimeout(() => child.kill('SIGKILL'), 30_000).unref();
            }),
        });
      }
    });
    child.on('error', reject);
    child.on('close', code =>
      reject(
        new Error(
          `${label} exited with ${code} before serving\n${err.slice(-4000)}`,
        ),
      ),
    );
  });
}

/** True when something answers HTTP at url within the timeout. */
export function answers(url, timeoutMs = 2000) {
  return new Promise(resolve => {
    const req = http.get(url, { timeout: timeoutMs }, res => {
      res.resume();
      resolve(true);
    });
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.on('error', () => resolve(false));
  });
}

/** Waits until the server answers /health within 100 ms, i.e. its queue is empty (at most a minute). */
export async function drained(baseUrl) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const t = Date.now();
    if ((await answers(`${baseUrl}/health`, 10_000)) && Date.now() - t < 100)
      return;
    await new Promise(r => setTimeout(r, 200));
  }
}

/**
 * Runs autocannon over a list of request paths, taken round-robin per connection (each connection
 * starts at a different offset, so the clients do not move in lockstep).
 */
export function cannon(baseUrl, paths, { connections, duration }) {
  return new Promise((resolve, reject) => {
    let next = 0;
    const inst = autocannon(
      {
        url: baseUrl,
        connections,
        duration,
        requests: [
          {
            setupRequest: req => {
              req.path =
                new URL(baseUrl).pathname + paths[next++ % paths.length];
              return req;
            },
          },
        ],
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
    inst.on('error', reject);
  });
}

/** The figures a latency run is judged by. */
export function latencyOf(r) {
  return {
    p50: r.latency.p50,
    p99: r.latency.p99,
    max: r.latency.max,
    requests: r.requests.total,
    rps: r.requests.average,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
  };
}
