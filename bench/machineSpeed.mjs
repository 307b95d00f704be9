// How fast this machine is, in two fixed workloads, so that figures measured on different machines (or on
// one machine shared with other jobs) can be compared: the same code has run the scan figure at 3.3 s on one
// session's machine and at 8.2 s on another's. `yarn bench` records both with its results; run alone:
//   node bench/machineSpeed.mjs
// - arithmetic: 3·10⁸ floating-point multiply-adds, nothing allocated: the core's own speed.
// - allocation: 2 million small objects made and kept (as a scan keeps its results), then written as
//   JSON: what the scan, the engine and the store mostly do, bound by memory and the garbage collector.
// Each is the fastest of three runs in a fresh process, so neither warms the other's heap.
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const WORKLOADS = {
  arithmetic() {
    let s = 0;
    for (let i = 0; i < 3e8; i++) s += i * 1.0000001;
    return s;
  },
  allocation() {
    const kept = [];
    for (let i = 0; i < 2e6; i++) {
      kept.push({ id: `check-${i % 67}`, status: i % 3 ? 'pass' : 'fail', n: i, evidence: [{ path: `spec.x[${i % 7}]` }] });
    }
    let bytes = 0;
    for (let i = 0; i < kept.length; i += 1000) bytes += JSON.stringify(kept.slice(i, i + 1000)).length;
    return bytes;
  },
};

function timeOnce(name) {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--one', name], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`machine speed ${name}: ${r.stderr.slice(-500)}`);
  return Number(r.stdout.trim());
}

/** The fastest of `runs` fresh processes for each workload, in ms, with the load average before them. */
export function machineSpeed(runs = 3) {
  const loadAverage = os.loadavg()[0];
  const out = { loadAverage1m: Math.round(loadAverage * 100) / 100 };
  for (const name of Object.keys(WORKLOADS)) {
    out[`${name}Ms`] = Math.min(...Array.from({ length: runs }, () => timeOnce(name)));
  }
  return out;
}

if (process.argv[2] === '--one') {
  const t0 = process.hrtime.bigint();
  const v = WORKLOADS[process.argv[3]]();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  // the result is used, so the loop cannot be optimised away
  if (v === -1) process.stderr.write('impossible\n');
  process.stdout.write(`${Math.round(ms)}\n`);
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const s = machineSpeed();
  console.log(
    `arithmetic ${s.arithmeticMs} ms, allocation ${s.allocationMs} ms (fastest of 3 each; load average ${s.loadAverage1m} before)`,
  );
}
