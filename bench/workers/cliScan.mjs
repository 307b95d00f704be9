// Figure 6: `posture scan` end to end (process start, read, YAML parse, engine, JSON report written) of one
// YAML file holding 10,000 workloads, and of one holding them and the objects related to them, as a CI gate
// runs it. Also checks that every result still names its file and line.
//   node bench/workers/cliScan.mjs [workloads=10000]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateCluster } from '../generate.mjs';
import { ROOT, reps, rootRequire, summarize } from '../lib/env.mjs';

const YAML = rootRequire('yaml');
const WORKLOADS = Number(process.argv[2] ?? 10_000);
const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'posture-bench-scan-'));
try {
  // manifests, not a live cluster: no ReplicaSets or Pods, no server defaults
  const docs = [];
  let workloads = 0;
  for (let services = 256; workloads < WORKLOADS; services *= 2) {
    const { objects } = generateCluster({ services, live: false });
    docs.length = 0;
    workloads = 0;
    for (const o of objects) {
      if (WORKLOAD_KINDS.has(o.kind)) {
        if (workloads === WORKLOADS) continue;
        workloads++;
      }
      docs.push(o);
    }
  }
  const bin = path.join(ROOT, 'plugins/posture-node/bin/posture');
  const out = path.join(dir, 'report.json');
  // the case: the workloads alone (its file was 13 MB); then the same workloads with the objects
  // related to them (Services, policies, autoscalers...), as a repository's whole deploy folder holds them
  const files = [
    { label: 'workloads', docs: docs.filter(o => WORKLOAD_KINDS.has(o.kind)) },
    { label: 'workloads and related objects', docs },
  ].map(({ label, docs: these }) => {
    const file = path.join(dir, `${label.replace(/\W+/g, '-')}.yaml`);
    fs.writeFileSync(file, these.map(o => YAML.stringify(o)).join('---\n'));
    const args = [bin, 'scan', file, '-f', 'json', '-o', out, '--max-file-size', '100'];
    const run = () => {
      const t0 = process.hrtime.bigint();
      const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (r.status !== 0 && r.status !== 1) throw new Error(`posture scan exited ${r.status}: ${r.stderr.slice(-2000)}`);
      return ms;
    };
    run(); // warm the transform cache and the page cache
    const times = [];
    for (let i = 0; i < reps(); i++) {
      times.push(run());
      process.stderr.write(`[bench]   ${label}, rep ${i + 1}: ${Math.round(times.at(-1))} ms\n`);
    }
    const report = JSON.parse(fs.readFileSync(out, 'utf8'));
    const withoutLine = report.results.filter(r => r.file === undefined || r.line === undefined).length;
    const result = {
      label,
      workloads,
      objects: these.length,
      megabytes: Math.round((fs.statSync(file).size / 1024 / 1024) * 10) / 10,
      results: report.results.length,
      resultsWithoutLine: withoutLine,
      wallMs: summarize(times),
    };
    fs.rmSync(file);
    return result;
  });
  process.stdout.write(`\nBENCH_RESULT ${JSON.stringify({ files })}\n`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
