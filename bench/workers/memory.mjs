// Figure 3: heap bytes per object held by the collector's snapshot. Collects from a test server in
// another process, forces GC before and after, and keeps the snapshot alive across the second reading.
//   node <TS_FLAGS> --expose-gc bench/workers/memory.mjs <url> <objects>
import { backend, report, sourceFor } from '../lib/backend.mjs';
import { reps, summarize } from '../lib/env.mjs';

function settle() {
  // several rounds: weak callbacks and finalizers free more on the second pass
  for (let i = 0; i < 4; i++) global.gc();
  return process.memoryUsage().heapUsed;
}

async function main() {
  if (typeof global.gc !== 'function') throw new Error('run with --expose-gc');
  const [url] = process.argv.slice(2);
  const { KubernetesClusterSource } = backend();
  const source = sourceFor(KubernetesClusterSource, { name: 'bench', url });
  // the first collection warms up code and connection pools that would otherwise count as snapshot memory
  await source.collect(AbortSignal.timeout(600_000));
  const perObject = [];
  const totals = [];
  let objects = 0;
  for (let r = 0; r < reps(); r++) {
    const before = settle();
    let snapshot = await source.collect(AbortSignal.timeout(600_000));
    const after = settle();
    objects = snapshot.objects.length;
    totals.push(after - before);
    perObject.push((after - before) / objects);
    process.stderr.write(`[memory] rep ${r + 1}: ${objects} objects, ${((after - before) / 1048576).toFixed(1)} MiB, ${(perObject.at(-1)).toFixed(0)} B/object\n`);
    snapshot = null;
  }
  report({ objects, bytesPerObject: summarize(perObject), heapDeltaBytes: summarize(totals) });
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
