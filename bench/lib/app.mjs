// The app figure 5 measures: the real Backstage app with 5,000 catalog services scored from a manifests
// cluster source, all generated here. By default the frontend is a production build served by the
// backend (as a deployment serves it); BENCH_APP_MODE=development measures `yarn start`'s dev server
// instead. The app runs in its own process group and is stopped with it; nothing outside bench/results/
// and packages/app/dist is written.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { generateCluster, generateEntities, loadCorpus } from '../generate.mjs';
import { RESULTS_DIR, ROOT, sleep } from './env.mjs';
import { answers } from './http.mjs';

const BACKEND = 'http://localhost:7007';
const DEV_FRONTEND = 'http://localhost:3000';

/** Writes the catalog, the cluster manifests and a config overlay for `services` services. */
export function writeAppData(services, { production = true } = {}) {
  const dir = path.join(RESULTS_DIR, `app-${services}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'cluster'), { recursive: true });
  const corpus = loadCorpus();
  // manifests as a GitOps checkout holds them: no controller-made ReplicaSets or Pods
  const { objects } = generateCluster({
    services,
    seed: 5,
    live: false,
    corpus,
  });
  // one file per 500 objects, so the source reads many files as it would in a repository
  for (let i = 0; i < objects.length; i += 500) {
    fs.writeFileSync(
      path.join(dir, 'cluster', `part-${String(i / 500).padStart(3, '0')}.yaml`),
      objects
        .slice(i, i + 500)
        .map(o => stringify(o))
        .join('---\n'),
    );
  }
  fs.writeFileSync(
    path.join(dir, 'catalog.yaml'),
    generateEntities(services)
      .map(e => stringify(e))
      .join('---\n'),
  );
  fs.writeFileSync(
    path.join(dir, 'app-config.bench.yaml'),
    stringify({
      // a production build is served by the backend itself, at its own address
      ...(production ? { app: { baseUrl: BACKEND } } : {}),
      catalog: {
        rules: [{ allow: ['Component', 'System', 'API', 'Resource', 'Location', 'Group', 'User'] }],
        locations: [
          { type: 'file', target: path.join(dir, 'catalog.yaml') },
          { type: 'file', target: path.join(ROOT, 'examples/org.yaml') },
        ],
      },
      posture: {
        clusters: [{ type: 'manifests', name: 'bench', path: path.join(dir, 'cluster') }],
        useKubernetesClusters: false,
        schedule: { frequency: { seconds: 30 }, initialDelay: { seconds: 5 } },
      },
    }),
  );
  return { dir, objects: objects.length, config: path.join(dir, 'app-config.bench.yaml') };
}

async function guestToken() {
  const res = await fetch(`${BACKEND}/api/auth/guest/refresh?env=development`, {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  if (!res.ok) return undefined;
  return (await res.json())?.backstageIdentity?.token;
}

/** Rows the overview reports (0 until the catalog and the first collection are both in). */
async function scoredServices() {
  const token = await guestToken().catch(() => undefined);
  if (!token) return 0;
  const res = await fetch(`${BACKEND}/api/posture/overview?limit=1`, {
    headers: { Authorization: `Bearer ${token}` },
  }).catch(() => undefined);
  if (!res?.ok) return 0;
  const body = await res.json();
  return typeof body.total === 'number' ? body.total : 0;
}

function run(cmd, args, logFile) {
  return new Promise((resolve, reject) => {
    const out = fs.openSync(logFile, 'a');
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', out, out], env: process.env });
    fs.closeSync(out); // the child has its own copy
    child.on('error', reject);
    child.on('exit', code =>
      code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}; see ${logFile}`)),
    );
  });
}

/**
 * Starts the app with the generated data and resolves once the overview lists `services` scored rows.
 * Returns its URL and a stop function. Refuses to start when something already answers on the app's
 * ports: the figure would then measure that instead.
 */
export async function startBenchApp(services, log, { mode = 'production' } = {}) {
  const production = mode !== 'development';
  if ((await answers(DEV_FRONTEND)) || (await answers(`${BACKEND}/api/posture/health`))) {
    throw new Error(
      'something already answers on :3000 or :7007; stop it, or set BENCH_APP_URL to measure it',
    );
  }
  const data = writeAppData(services, { production });
  log(`app data: ${services} services, ${data.objects} objects in ${data.dir}`);
  const logFile = path.join(data.dir, 'app.log');
  fs.writeFileSync(logFile, '');
  const config = ['--config', path.join(ROOT, 'app-config.yaml'), '--config', data.config];
  if (production) {
    const t = Date.now();
    await run('yarn', ['workspace', 'app', 'build'], logFile);
    log(`frontend production build: ${Math.round((Date.now() - t) / 1000)} s`);
  }
  const out = fs.openSync(logFile, 'a');
  const child = spawn(
    'yarn',
    production ? ['workspace', 'backend', 'start', ...config] : ['start', ...config],
    { cwd: ROOT, detached: true, stdio: ['ignore', out, out], env: process.env },
  );
  fs.closeSync(out);
  const url = production ? BACKEND : DEV_FRONTEND;
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  const stop = async () => {
    if (exited) return;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return;
    }
    for (let i = 0; i < 20 && !exited; i++) await sleep(250);
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  const started = Date.now();
  try {
    let lastNudge = 0;
    for (;;) {
      if (exited) throw new Error(`the app exited; see ${logFile}`);
      if (Date.now() - started > 10 * 60_000)
        throw new Error(`the app did not list ${services} services within 10 minutes; see ${logFile}`);
      const up = (await answers(url)) && (await answers(`${BACKEND}/api/posture/health`));
      const scored = up ? await scoredServices() : 0;
      if (scored >= services) break;
      // the catalog fills over a minute or two; a collection after that maps every entity
      if (up && Date.now() - lastNudge > 30_000) {
        lastNudge = Date.now();
        const token = await guestToken().catch(() => undefined);
        if (token)
          await fetch(`${BACKEND}/api/posture/refresh`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${token}` },
          }).catch(() => undefined);
        log(`waiting for the app: ${scored} of ${services} services scored (${Math.round((Date.now() - started) / 1000)} s)`);
      }
      await sleep(2000);
    }
  } catch (e) {
    await stop();
    throw e;
  }
  log(`app ready with ${services} services in ${Math.round((Date.now() - started) / 1000)} s (${production ? 'production build' : 'dev server'})`);
  return { url, stop, mode: production ? 'production' : 'development' };
}
