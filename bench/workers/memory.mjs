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

/**
 * One reading. It lives in its own function on purpose: a suspended async function keeps the value of
 * its last `await` in a register, so a snapshot awaited in a long-lived frame stays reachable after
 * the code lets go of it and would be counted in the next reading's baseline.
 */
async function measureOnce(source) {
  const before = settle();
  const snapshot = await source.collect(AbortSignal.timeout(600_000));
  const after = settle();
  return { objects: snapshot.objects.length, bytes: after - before };
}

async function main() {
  if (typeof global.gc !== 'function') throw new Error('run with --expose-gc');
  const [url] = process.argv.slice(2);
  const { KubernetesClusterSource } = backend();
  const source = sourceFor(KubernetesClusterSource, { name: 'bench', url });
  // the first collection warms up code and connection pools that would otherwise count as snapshot memory
  await measureOnce(source);
  const perObject = [];
  const totals = [];
  let objects = 0;
  for (let r = 0; r < reps(); r++) {
    const m = await measureOnce(source);
    objects = m.objects;
    totals.push(m.bytes);
    perObject.push(m.bytes / m.objects);
    process.stderr.write(
      `[memory] rep ${r + 1}: ${objects} objects, ${(m.bytes / 1048576).toFixed(
        1,
      )} MiB, ${perObject.at(-1).toFixed(0)} B/object\n`,
    );
  }
  report({
    objects,
    bytesPerObject: summarize(perObject),
    heapDeltaBytes: summarize(totals),
  });
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
