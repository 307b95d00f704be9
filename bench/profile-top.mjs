// Prints the functions with the most self time in a V8 .cpuprofile (from `node --cpu-prof`), and the
// same grouped by source file, so a hotspot can be named without opening DevTools.
//   node bench/profile-top.mjs <file.cpuprofile> [top=25]
//   node bench/profile-top.mjs <file.cpuprofile> --callers <function> [depth=12]
//        where one function's self time comes from: its call chains, heaviest first
//   node bench/profile-top.mjs <file.cpuprofile> --stretches [min ms=100]
//        the longest runs of samples without an idle one (an event loop that did not breathe) and
//        what was on the stack in them
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './lib/env.mjs';

export function topFunctions(profile, top = 25) {
  const { nodes, samples, timeDeltas } = profile;
  const byId = new Map(nodes.map(n => [n.id, n]));
  const self = new Map();
  samples.forEach((id, i) =>
    self.set(id, (self.get(id) ?? 0) + (timeDeltas[i] ?? 0)),
  );
  const total = timeDeltas.reduce((a, b) => a + b, 0);
  const fn = new Map();
  const file = new Map();
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = byId.get(id).callFrame;
    const where = url
      ? `${path.relative(ROOT, url.replace('file://', ''))}:${lineNumber + 1}`
      : '(native)';
    const key = `${functionName || '(anonymous)'}  ${where}`;
    fn.set(key, (fn.get(key) ?? 0) + us);
    const f = url
      ? path.relative(ROOT, url.replace('file://', ''))
      : `(${functionName})`;
    file.set(f, (file.get(f) ?? 0) + us);
  }
  const rows = m =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => ({
        name: k,
        ms: Math.round(us / 1000),
        pct: Math.round((1000 * us) / total) / 10,
      }));
  return {
    totalMs: Math.round(total / 1000),
    functions: rows(fn),
    files: rows(file),
  };
}

function frameName(callFrame) {
  const { functionName, url, lineNumber } = callFrame;
  const where = url ? `${path.relative(ROOT, url.replace('file://', ''))}:${lineNumber + 1}` : '(native)';
  return `${functionName || '(anonymous)'}  ${where}`;
}

function parents(profile) {
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  return parent;
}

/** The call chains that lead to `fn`'s samples, with the time spent in each. */
export function callersOf(profile, fn, depth = 12) {
  const byId = new Map(profile.nodes.map(n => [n.id, n]));
  const parent = parents(profile);
  const chains = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    if (byId.get(id).callFrame.functionName !== fn) return;
    const us = profile.timeDeltas[i] ?? 0;
    total += us;
    const chain = [];
    for (let p = parent.get(id); p !== undefined && chain.length < depth; p = parent.get(p)) {
      if (byId.get(p).callFrame.functionName !== '(root)') chain.push(frameName(byId.get(p).callFrame));
    }
    const key = chain.join('\n      < ');
    chains.set(key, (chains.get(key) ?? 0) + us);
  });
  return { totalMs: Math.round(total / 1000), chains: [...chains].sort((a, b) => b[1] - a[1]).map(([chain, us]) => ({ chain, ms: Math.round(us / 1000) })) };
}

/** Runs of consecutive non-idle samples longer than `minMs`, longest first, with what was on the stack. */
export function busyStretches(profile, minMs = 100) {
  const byId = new Map(profile.nodes.map(n => [n.id, n]));
  const parent = parents(profile);
  const out = [];
  let t = profile.startTime;
  let start = null;
  let ids = [];
  const close = end => {
    if (start !== null && end - start > minMs * 1000) {
      const onStack = new Map();
      for (const id of ids) {
        const names = new Set();
        for (let p = id; p !== undefined; p = parent.get(p)) names.add(frameName(byId.get(p).callFrame));
        for (const name of names) onStack.set(name, (onStack.get(name) ?? 0) + 1);
      }
      out.push({
        atS: (start - profile.startTime) / 1e6,
        ms: (end - start) / 1000,
        top: [...onStack].filter(([k]) => !k.startsWith('(root)')).sort((a, b) => b[1] - a[1]).slice(0, 15).map(([name, n]) => ({ name, pct: Math.round((100 * n) / ids.length) })),
      });
    }
    start = null;
  };
  profile.samples.forEach((id, i) => {
    t += profile.timeDeltas[i] ?? 0;
    if (byId.get(id).callFrame.functionName === '(idle)') close(t);
    else {
      if (start === null) {
        start = t;
        ids = [];
      }
      ids.push(id);
    }
  });
  close(t);
  return out.sort((a, b) => b.ms - a.ms);
}

if (
  process.argv[1] &&
  path.resolve(process.argv[1]).endsWith('profile-top.mjs')
) {
  const [f, ...rest] = process.argv.slice(2);
  const profile = JSON.parse(fs.readFileSync(f, 'utf8'));
  if (rest[0] === '--callers') {
    const r = callersOf(profile, rest[1], Number(rest[2] ?? 12));
    console.log(`${rest[1]}: ${r.totalMs} ms self time, by call chain`);
    for (const c of r.chains.slice(0, 10)) console.log(`${String(c.ms).padStart(7)} ms  ${c.chain}`);
  } else if (rest[0] === '--stretches') {
    const r = busyStretches(profile, Number(rest[1] ?? 100));
    console.log(`${r.length} stretches without an idle sample over ${rest[1] ?? 100} ms`);
    for (const x of r.slice(0, 8)) {
      console.log(`\n${Math.round(x.ms)} ms at +${x.atS.toFixed(1)} s`);
      for (const y of x.top) console.log(`  ${String(y.pct).padStart(3)}%  ${y.name}`);
    }
  } else {
    const r = topFunctions(profile, Number(rest[0] ?? 25));
    console.log(`total ${r.totalMs} ms\n\nself time by function:`);
    for (const x of r.functions)
      console.log(
        `${String(x.ms).padStart(7)} ms ${String(x.pct).padStart(5)}%  ${x.name}`,
      );
    console.log('\nself time by file:');
    for (const x of r.files)
      console.log(
        `${String(x.ms).padStart(7)} ms ${String(x.pct).padStart(5)}%  ${x.name}`,
      );
  }
}
