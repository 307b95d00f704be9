// `yarn loadtest`: 200 concurrent clients for 60 s over a mix of routes (entity, history, overview with
// filters, overview.csv, checks, clusters) against the benchmark backend with 5,000 entities (the
// same harness as figure 4 of `yarn bench`). Passes only with 0 errors and 0 non-2xx answers.
// Environment: BENCH_DB=sqlite|pg (default sqlite), LOADTEST_SECONDS (default 60),
// LOADTEST_CONNECTIONS (default 200).
import fs from 'node:fs';
import path from 'node:path';
import { ENTITIES, mixedPaths } from './lib/api.mjs';
import { RESULTS_DIR } from './lib/env.mjs';
import { cannon, latencyOf, startServerWorker } from './lib/http.mjs';

const DB = process.env.BENCH_DB ?? 'sqlite';
const SECONDS = Number(process.env.LOADTEST_SECONDS ?? 60);
const CONNECTIONS = Number(process.env.LOADTEST_CONNECTIONS ?? 200);

const routeOf = p => {
  if (p.startsWith('/overview.csv')) return 'overview.csv';
  if (p.startsWith('/overview')) return 'overview';
  if (p.endsWith('/history')) return 'history';
  if (p.startsWith('/entities/')) return 'entity';
  return p.slice(1);
};

async function main() {
  const paths = mixedPaths();
  const mix = {};
  for (const p of paths) mix[routeOf(p)] = (mix[routeOf(p)] ?? 0) + 1;
  process.stderr.write(
    `[loadtest] starting the backend (${DB}, ${ENTITIES} entities)\n`,
  );
  const server = await startServerWorker('workers/apiServer.mjs', [
    DB,
    String(ENTITIES),
  ]);
  let result;
  try {
    process.stderr.write(
      `[loadtest] ${CONNECTIONS} clients for ${SECONDS} s over ${JSON.stringify(
        mix,
      )}\n`,
    );
    result = latencyOf(
      await cannon(server.url, paths, {
        connections: CONNECTIONS,
        duration: SECONDS,
      }),
    );
  } finally {
    await server.stop();
  }
  const ok = result.errors === 0 && result.non2xx === 0 && result.requests > 0;
  const out = {
    at: new Date().toISOString(),
    db: DB,
    entities: ENTITIES,
    connections: CONNECTIONS,
    seconds: SECONDS,
    mix,
    ...result,
    ok,
  };
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  fs.writeFileSync(
    path.join(RESULTS_DIR, 'loadtest.json'),
    `${JSON.stringify(out, null, 2)}\n`,
  );
  console.log(
    `\nload test: ${CONNECTIONS} clients, ${SECONDS} s, ${DB}, ${ENTITIES} entities`,
  );
  console.log(`  requests ${result.requests} (${Math.round(result.rps)}/s)`);
  console.log(
    `  latency  p50 ${result.p50} ms, p99 ${result.p99} ms, max ${result.max} ms`,
  );
  console.log(`  errors   ${result.errors}, non-2xx ${result.non2xx}`);
  console.log(
    `  ${
      ok ? 'PASS' : 'FAIL'
    } (0 errors required); bench/results/loadtest.json`,
  );
  if (!ok) process.exitCode = 1;
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
