import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tempTree } from './testUtils';

const BIN = path.resolve(__dirname, '../../bin/posture');

/** The real executable, in a child process: what `npx posture` runs. */
function posture(args: string[], opts: { cwd: string; stdin?: 'ignore' | string; shell?: string }) {
  const res = opts.shell
    ? spawnSync('/bin/sh', ['-c', opts.shell], { cwd: opts.cwd, encoding: 'utf8', env: { ...process.env, BIN, NODE: process.execPath } })
    : spawnSync(process.execPath, [BIN, ...args], {
        cwd: opts.cwd,
        encoding: 'utf8',
        input: opts.stdin === 'ignore' ? undefined : opts.stdin,
        stdio: [opts.stdin === 'ignore' ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

describe('bin/posture', () => {
  jest.setTimeout(60_000);
  let tree: ReturnType<typeof tempTree>;
  beforeAll(() => {
    tree = tempTree({
      'web.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: app, image: "nginx:1.27"}]
`,
    });
  });
  afterAll(() => tree.cleanup());

  it('scans a file and exits with the threshold verdict', () => {
    const ok = posture(['scan', 'web.yaml', '-f', 'json'], { cwd: tree.dir });
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).summary.workloads).toBe(1);
    const failed = posture(['scan', 'web.yaml', '--fail-on', 'high'], { cwd: tree.dir });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^posture: threshold crossed: --fail-on high/m);
  });

  it('exits 2 with one line for closed or empty stdin', () => {
    const empty = posture(['scan', '-'], { cwd: tree.dir, stdin: 'ignore' });
    expect(empty).toMatchObject({ code: 2, stdout: '', stderr: 'posture: no input on stdin\n' });
    const closed = posture([], { cwd: tree.dir, shell: '"$NODE" "$BIN" scan - <&-' });
    expect(closed).toMatchObject({ code: 2, stdout: '', stderr: 'posture: no input on stdin\n' });
    const piped = posture(['scan', '-', '-f', 'json'], { cwd: tree.dir, stdin: 'kind: Pod\napiVersion: v1\nmetadata: {name: p}\nspec: {containers: [{name: c, image: x}]}\n' });
    expect(piped.code).toBe(0);
    expect(JSON.parse(piped.stdout).results[0].file).toBe('<stdin>');
  });

  it('stops quietly when the reader of its output goes away', () => {
    // enough output to overflow the pipe buffer after `head` has exited
    const many = Array.from({ length: 150 }, (_, i) => `apiVersion: v1
kind: Pod
metadata: {name: p${i}}
spec: {containers: [{name: c, image: x}]}
`).join('---\n');
    fs.writeFileSync(path.join(tree.dir, 'many.yaml'), many);
    const r = spawnSync('/bin/bash', ['-c', '"$NODE" "$BIN" scan many.yaml -f json | head -c 100 >/dev/null; echo "status ${PIPESTATUS[0]}"'], {
      cwd: tree.dir,
      encoding: 'utf8',
      env: { ...process.env, BIN, NODE: process.execPath },
    });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('status 0\n');
  });

  it('reports a usage error without a stack trace', () => {
    const r = posture(['scan', 'nope.yaml'], { cwd: tree.dir });
    expect(r).toMatchObject({ code: 2, stdout: '', stderr: 'posture: cannot read nope.yaml: no such file or directory\n' });
  });
});
