// Figure 2: engine time (evaluate with builtInChecks) over the time JSON.parse takes for the same
// objects' JSON: the floor any scorer of that snapshot has to pay once it reads the API's answer.
//   node <TS_FLAGS> bench/workers/scoring.mjs <objects>
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { topFunctions } from '../profile-top.mjs';
import { generateCluster } from '../generate.mjs';
import { backend, report } from '../lib/backend.mjs';
import { reps, summarize } from '../lib/env.mjs';

async function main() {
  const size = Number(process.argv[2]);
  const { testUtils, node } = backend();
  const { objects: generated } = generateCluster({ objects: size, seed: 7 });
  // the objects as a live cluster serves them, API-server defaults filled in
  const server = await testUtils.startKubeApiTestServer({
    objects: generated,
    autoCreateNamespaces: false,
  });
  const objects = server.objects();
  await server.close();
  const json = JSON.stringify(objects);
  const n = reps();
  // one untimed round each, so neither side is measured cold
  JSON.parse(json);
  node.evaluate(
    { objects: JSON.parse(json), mode: 'live', cluster: 'bench' },
    node.builtInChecks,
  );
  const parse = [];
  const engine = [];
  let results = 0;
  for (let r = 0; r < n; r++) {
    let t = performance.now();
    const parsed = JSON.parse(json);
    parse.push(performance.now() - t);
    t = performance.now();
    const out = node.evaluate(
      { objects: parsed, mode: 'live', cluster: 'bench' },
      node.builtInChecks,
    );
    engine.push(performance.now() - t);
    results = out.results.length;
    process.stderr.write(
      `[scoring ${size}] rep ${r + 1}/${n}: parse ${parse
        .at(-1)
        .toFixed(0)} ms, engine ${engine.at(-1).toFixed(0)} ms\n`,
    );
  }
  // BENCH_CPU_PROFILE=<dir>: one more evaluate under the profiler, to name the engine's hot functions
  let profile;
  if (process.env.BENCH_CPU_PROFILE) {
    const parsed = JSON.parse(json);
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
    node.evaluate(
      { objects: parsed, mode: 'live', cluster: 'bench' },
      node.builtInChecks,
    );
    const { profile: p } = await session.post('Profiler.stop');
    session.disconnect();
    fs.mkdirSync(process.env.BENCH_CPU_PROFILE, { recursive: true });
    const file = path.join(
      process.env.BENCH_CPU_PROFILE,
      `engine-${size}.cpuprofile`,
    );
    fs.writeFileSync(file, JSON.stringify(p));
    profile = { file, ...topFunctions(p, 15) };
  }
  report({
    profile,
    objects: objects.length,
    jsonBytes: json.length,
    checks: node.builtInChecks.length,
    results,
    parseMs: summarize(parse),
    engineMs: summarize(engine),
    ratio: summarize(engine.map((e, k) => e / parse[k])),
  });
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
