// Prints the functions with the most self time in a V8 .cpuprofile (from `node --cpu-prof`), and the
// same grouped by source file, so a hotspot can be named without opening DevTools.
//   node bench/profile-top.mjs <file.cpuprofile> [top=25]
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

if (
  process.argv[1] &&
  path.resolve(process.argv[1]).endsWith('profile-top.mjs')
) {
  const [f, n] = process.argv.slice(2);
  const r = topFunctions(
    JSON.parse(fs.readFileSync(f, 'utf8')),
    Number(n ?? 25),
  );
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
