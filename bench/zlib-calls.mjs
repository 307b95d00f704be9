// What one gzip or gunzip of a JSON body costs, done in place (zlib.gzipSync) and on libuv's thread pool
// (zlib.gzip), at zlib's default level and at its fastest (-1), at the sizes the backend's read cache meets: a one-cluster scorecard is ~20 KB, an overview
// page up to ~0.5 MB. Two figures per call: the event loop's busy time (what other requests wait for) and
// the process's CPU time (what a replica sharing its cores pays). Calls go 50 at a time, as a burst of cache
// misses after a save does. This is what SYNC_GZIP_BYTES and SYNC_GUNZIP_BYTES in
// plugins/posture-backend/src/store/readCache.ts are chosen from.
//   node bench/zlib-calls.mjs
import { promisify } from 'node:util';
import zlib from 'node:zlib';

const gzipAsync = promisify(zlib.gzip);
const gunzipAsync = promisify(zlib.gunzip);
const { eventLoopUtilization } = performance;

// rows shaped like a scorecard's results, with enough variety (names, messages, paths) that the body
// compresses about as a real scorecard does (~7×, where uniform rows would give ~25×)
let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const word = () => Math.floor(rand() * 36 ** 6).toString(36);
const CHECKS = Array.from({ length: 64 }, () => `${word()}-${word()}`);
const body = rows =>
  Buffer.from(
    JSON.stringify({
      results: Array.from({ length: rows }, (_, i) => {
        const fail = rand() < 0.3;
        return {
          checkId: CHECKS[i % 64],
          status: fail ? 'fail' : rand() < 0.2 ? 'not-applicable' : 'pass',
          severity: ['critical', 'high', 'medium', 'low'][Math.floor(rand() * 4)],
          message: `Container ${word()} of ${word()}-${word()} ${fail ? `does not set ${word()}.${word()}` : 'passes'} (${Math.floor(rand() * 1e6)})`,
          subject: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: `team-${word()}`, name: `${word()}-${word()}` },
          evidence: fail ? [{ path: `spec.template.spec.containers[${i % 3}].${word()}`, value: word() }] : [],
          cluster: `cluster-${i % 5}`,
        };
      }),
    }),
  );

async function measure(calls, fn) {
  const cpu0 = process.cpuUsage();
  const loop0 = eventLoopUtilization();
  for (let i = 0; i < calls; i += 50) {
    await Promise.all(Array.from({ length: Math.min(50, calls - i) }, fn));
  }
  const cpu = process.cpuUsage(cpu0);
  const loop = eventLoopUtilization(loop0);
  return { loopUs: (loop.active * 1000) / calls, cpuUs: (cpu.user + cpu.system) / calls };
}

const us = v => `${Math.round(v)}`.padStart(6);
console.log('body bytes | gzipped | call              | loop µs/call | CPU µs/call');
for (const rows of [25, 120, 550, 2700]) {
  const plain = body(rows);
  const gz = zlib.gzipSync(plain);
  const calls = Math.max(200, Math.round(3e7 / plain.length));
  const fastest = { level: zlib.constants.Z_BEST_SPEED };
  const cases = [
    ['gzip, pool', () => gzipAsync(plain)],
    ['gzip, in place', async () => zlib.gzipSync(plain)],
    ['gzip -1, pool', () => gzipAsync(plain, fastest)],
    ['gzip -1, in place', async () => zlib.gzipSync(plain, fastest)],
    ['gunzip, pool', () => gunzipAsync(gz)],
    ['gunzip, in place', async () => zlib.gunzipSync(gz)],
  ];
  for (const [label, fn] of cases) {
    await measure(Math.min(calls, 100), fn); // warm-up
    const m = await measure(calls, fn);
    const gzipped = label.includes('-1') ? zlib.gzipSync(plain, fastest).length : gz.length;
    console.log(`${String(plain.length).padStart(10)} | ${String(gzipped).padStart(7)} | ${label.padEnd(17)} | ${us(m.loopUs)} | ${us(m.cpuUs)}`);
  }
}
