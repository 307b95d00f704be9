// What one gzip or gunzip of a JSON body costs, done in place (zlib.gzipSync) and on libuv's thread pool
// (zlib.gzip), at the sizes the backend's read cache meets: a one-cluster scorecard is ~20 KB, an overview
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

// rows shaped like a scorecard's results, so the body compresses as one does (~15×)
const body = rows =>
  Buffer.from(
    JSON.stringify({
      results: Array.from({ length: rows }, (_, i) => ({
        check: `check-${i % 40}`,
        status: i % 3 ? 'pass' : 'fail',
        message: `Container app has no memory limit; set resources.limits.memory (${i})`,
        subject: `Deployment/team-${i % 7}/svc-${i}`,
      })),
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
console.log('body bytes | gzipped | call          | loop µs/call | CPU µs/call');
for (const rows of [30, 150, 700, 3500]) {
  const plain = body(rows);
  const gz = zlib.gzipSync(plain);
  const calls = Math.max(200, Math.round(3e7 / plain.length));
  const cases = [
    ['gzip, pool', () => gzipAsync(plain)],
    ['gzip, in place', async () => zlib.gzipSync(plain)],
    ['gunzip, pool', () => gunzipAsync(gz)],
    ['gunzip, in place', async () => zlib.gunzipSync(gz)],
  ];
  for (const [label, fn] of cases) {
    await measure(Math.min(calls, 100), fn); // warm-up
    const m = await measure(calls, fn);
    console.log(`${String(plain.length).padStart(10)} | ${String(gz.length).padStart(7)} | ${label.padEnd(16)} | ${us(m.loopUs)} | ${us(m.cpuUs)}`);
  }
}
