import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { findCheck } from '@posture-dev/backstage-plugin-posture-node';
import { readManifests } from './readManifests';
import { createPostureScoreAction } from './score';

const GOOD = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: registry.example.com/web:1.2.3
          securityContext: {readOnlyRootFilesystem: true}
`;

const BAD = GOOD.replace('replicas: 2', 'replicas: 1').replace(
  'securityContext: {readOnlyRootFilesystem: true}',
  'securityContext: {readOnlyRootFilesystem: false}',
);

const created: string[] = [];
afterAll(() => created.forEach(d => fs.rmSync(d, { recursive: true, force: true })));

function workspace(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'posture-action-'));
  created.push(dir);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

// Only the two checks named here, so the test is about the action, not the catalog.
const action = createPostureScoreAction({
  checks: [findCheck('replicas')!, findCheck('read-only-root-filesystem')!],
});

async function run(files: Record<string, string>, input: Record<string, unknown>, isDryRun = false) {
  const ctx = createMockActionContext({
    workspacePath: workspace(files),
    input: { path: 'deploy', minScore: {}, ...input } as any,
    isDryRun,
  });
  const logs: string[] = [];
  jest.spyOn(ctx.logger, 'info').mockImplementation((msg: any) => {
    logs.push(String(msg));
    return ctx.logger;
  });
  let error: Error | undefined;
  try {
    await action.handler(ctx as any);
  } catch (e) {
    error = e as Error;
  }
  const outputs = Object.fromEntries((ctx.output as jest.Mock).mock.calls);
  return { error, outputs, logs };
}

describe('posture:score', () => {
  it('outputs scores and passes when no threshold is crossed', async () => {
    const { error, outputs, logs } = await run({ 'deploy/app.yaml': GOOD, 'catalog-info.yaml': 'kind: Component' }, { failOn: 'critical' });
    expect(error).toBeUndefined();
    expect(outputs.scores.scalability).not.toBeNull();
    expect(outputs.grades).toHaveProperty('overall');
    expect(['Gold', 'Silver', 'Bronze', 'None']).toContain(outputs.level);
    expect(logs[0]).toMatch(/^Posture of 1 file\(s\): scalability/);
  });

  it('fails with a readable message naming each failing check and its evidence', async () => {
    const { error, outputs } = await run({ 'deploy/app.yaml': BAD }, { minScore: { security: 100 }, minLevel: 'Gold', failOn: 'high' });
    expect(error).toBeDefined();
    expect(error!.message).toMatch(/^Posture thresholds not met: .*security score .* is below 100/);
    expect(error!.message).toContain('level');
    expect(error!.message).toMatch(/replicas \[high\] on Deployment\/web\/web: .*\(spec\.replicas\)/);
    expect(error!.message).toContain(
      'read-only-root-filesystem [medium] on Deployment/web/web',
    );
    expect(error!.message).toContain('spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem (container web)');
    expect(outputs.failingChecks.map((f: any) => f.checkId)).toEqual(
      expect.arrayContaining(['replicas', 'read-only-root-filesystem']),
    );
  });

  it('scores in dry run too, since it changes nothing', async () => {
    expect(action.supportsDryRun).toBe(true);
    const { error, outputs } = await run({ 'deploy/app.yaml': BAD }, { failOn: 'high' }, true);
    expect(error?.message).toMatch(/thresholds not met/);
    expect(outputs.failingChecks.length).toBeGreaterThan(0);
  });

  it('works without the optional inputs, which the scaffolder does not default', async () => {
    const ctx = createMockActionContext({ workspacePath: workspace({ 'app.yaml': GOOD }), input: {} as any });
    await expect(action.handler(ctx as any)).resolves.toBeUndefined();
  });

  it('rejects paths outside the workspace and empty folders', async () => {
    expect((await run({ 'deploy/app.yaml': GOOD }, { path: '../../etc' })).error?.message).toMatch(/outside|Relative path/i);
    expect((await run({ 'other/x.txt': 'x' }, { path: 'other' })).error?.message).toMatch(/No manifests found/);
    expect((await run({ 'deploy/app.yaml': 'kind: [' }, {})).error?.message).toMatch(/do not parse/);
  });
});

/** Issue 12: the action is a gate too; it judges what the CLI judges and prints nothing a name can forge. */
describe('posture:score as a gate', () => {
  const full = createPostureScoreAction();
  const POD_SPEC = {
    hostPID: true,
    containers: [{ name: 'c', image: `registry.example.com/app@sha256:${'a'.repeat(64)}`, securityContext: { privileged: true } }],
  };
  const privileged = (meta: object, kind = 'Deployment', apiVersion = 'apps/v1') =>
    JSON.stringify({
      apiVersion,
      kind,
      metadata: meta,
      spec:
        kind === 'Pod'
          ? POD_SPEC
          : { selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'x' } }, spec: POD_SPEC } },
    });

  async function gate(files: Record<string, string>) {
    const ctx = createMockActionContext({
      workspacePath: workspace(files),
      input: { path: 'deploy', minScore: {}, failOn: 'critical' } as any,
    });
    const logs: string[] = [];
    jest.spyOn(ctx.logger, 'info').mockImplementation((msg: any) => {
      logs.push(String(msg));
      return ctx.logger;
    });
    const error = await full.handler(ctx as any).then(
      () => undefined,
      (e: Error) => e,
    );
    return { error, logs };
  }

  it.each([
    ['a privileged Deployment inside two Lists', `{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"List","items":[${privileged({ name: 'deep' })}]}]}`],
    ['a privileged, hostPID Job named only by generateName', privileged({ generateName: 'migrate-' }, 'Job', 'batch/v1')],
    [
      'a Pod whose controller is not in the input',
      privileged({ name: 'orphan', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'gone', uid: 'u', controller: true }] }, 'Pod', 'v1'),
    ],
    [
      'a workload exempting itself from everything with a one-character reason',
      privileged({ name: 'self', annotations: { 'posture.backstage.io/exempt': '*', 'posture.backstage.io/exempt-reason': 'x' } }),
    ],
  ])('fails on %s', async (_what, text) => {
    const { error } = await gate({ 'deploy/m.yaml': text });
    expect(error?.message).toMatch(/^Posture thresholds not met: \d+ failing check\(s\) at severity critical or worse/);
    expect(error?.message).toContain('pss-privileged [critical]');
  });

  it('fails on a duplicate key, naming the key and its line', async () => {
    const text = `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n      securityContext:\n        privileged: true\n        privileged: false\n`;
    const { error } = await gate({ 'deploy/m.yaml': text });
    expect(error?.message).toMatch(/^Manifests do not parse:/);
    expect(error?.message).toContain('deploy/m.yaml:9: document 0 has a duplicate key "privileged" at line 9');
  });

  it('neutralises control characters of names in its log and its failure message', async () => {
    const forged = 'x\n::error file=a::pwned\n  ✗ level Gold\u001b[2J\u0007\u009b31m';
    const { error, logs } = await gate({ 'deploy/m.yaml': privileged({ name: forged }) });
    expect(error).toBeDefined();
    for (const text of [...logs, error!.message]) {
      // eslint-disable-next-line no-control-regex
      expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/);
      for (const line of text.split('\n')) expect(line).not.toMatch(/^\s*(::error|✗ level Gold)/);
    }
    expect(error!.message).toContain('x\\n::error file=a::pwned\\n  ✗ level Gold^[[2J\\u0007\\u009b31m');
  });

  it('neutralises bidirectional controls of names, as the CLI does', async () => {
    const { error, logs } = await gate({ 'deploy/m.yaml': privileged({ name: 'evil\u202elmay.exe\u2066x\u2069' }) });
    expect(error).toBeDefined();
    for (const text of [...logs, error!.message]) expect(text).not.toMatch(/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
    expect(error!.message).toContain('evil\\u202elmay.exe\\u2066x\\u2069');
  });

  it('neutralises control characters of file names in the message for a file it cannot read', async () => {
    const { error } = await gate({ 'deploy/a\n::error::x\u001b[2J.yaml': Buffer.from([0x6b, 0x3a, 0x20, 0xff]) as any });
    expect(error?.message).toMatch(/^Manifests cannot be read:/);
    expect(error?.message).toContain('deploy/a\\n::error::x^[[2J.yaml: not UTF-8 text');
    expect(error?.message.split('\n').some(l => l.startsWith('::error'))).toBe(false);
  });
});

/** The log and the failure message stay readable, and their size fixed, however many workloads fail. */
describe('posture:score with many failures', () => {
  const many = (n: number) =>
    Array.from({ length: n }, (_, i) => BAD.replace(/\{name: web, namespace: web\}/, `{name: web-${i}, namespace: web}`)).join('---\n');

  it('logs a summary and at most 20 failing checks, and fails with a message of bounded size', async () => {
    // 600 workloads, two failing checks each
    const { error, outputs, logs } = await run({ 'deploy/app.yaml': many(600) }, { failOn: 'low' });
    expect(logs.length).toBeLessThanOrEqual(1 + 1 + 20 + 1);
    expect(logs[1]).toBe('1200 failing check(s): 600 high, 600 medium; the 20 most severe:');
    expect(logs.filter(l => l.startsWith('  ✗ '))).toHaveLength(20);
    // the most severe first
    expect(logs.filter(l => l.startsWith('  ✗ ')).every(l => l.includes('[high] replicas'))).toBe(true);
    expect(logs[logs.length - 1]).toBe('  … and 1180 more');

    expect(error).toBeDefined();
    const lines = error!.message.split('\n');
    expect(lines.length).toBeLessThanOrEqual(1 + 1 + 20 + 1);
    expect(lines[0]).toBe('Posture thresholds not met: 1200 failing check(s) at severity low or worse');
    expect(lines[1]).toBe('Failing checks (1200, the 20 most severe listed):');
    expect(lines[lines.length - 1]).toBe('  … and 1180 more');
    expect(error!.message.length).toBeLessThan(20 * 600);

    // the output templates use: every failing check up to the documented limit, most severe first
    expect(outputs.failingChecks).toHaveLength(1000);
    expect(outputs.failingChecks.slice(0, 600).every((f: any) => f.severity === 'high')).toBe(true);
  });

  it('keeps a short list whole', async () => {
    const { error, outputs, logs } = await run({ 'deploy/app.yaml': many(3) }, { failOn: 'low' });
    expect(logs).toHaveLength(1 + 1 + 6);
    expect(logs[1]).toBe('6 failing check(s): 3 high, 3 medium:');
    expect(error!.message.split('\n')).toHaveLength(2 + 6);
    expect(error!.message).not.toContain('more');
    expect(outputs.failingChecks).toHaveLength(6);
  });

  it('cuts an item that is too long, a name of a megabyte included', async () => {
    const huge = `web-${'x'.repeat(1024 * 1024)}`;
    const { error, logs } = await run({ 'deploy/app.yaml': BAD.replace('{name: web, namespace: web}', `{name: ${huge}, namespace: web}`) }, { failOn: 'low' });
    for (const l of logs) expect(l.length).toBeLessThan(1000);
    expect(error!.message.length).toBeLessThan(3000);
    expect(error!.message).toContain('…');
  });

  it('lists at most 20 parse errors', async () => {
    const files = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`deploy/bad-${String(i).padStart(2, '0')}.yaml`, 'kind: [']));
    const { error } = await run(files, {});
    const lines = error!.message.split('\n');
    expect(lines[0]).toBe('Manifests do not parse: 50 error(s)');
    expect(lines).toHaveLength(1 + 20 + 1);
    expect(lines[1]).toMatch(/^ {2}deploy\/bad-00\.yaml:\d+: document 0 does not parse/);
    expect(lines[21]).toBe('  … and 30 more');
  });

  it('lists at most 20 files it cannot read', async () => {
    const files = Object.fromEntries(
      Array.from({ length: 50 }, (_, i) => [`deploy/bin-${String(i).padStart(2, '0')}.yaml`, Buffer.from([0x6b, 0x3a, 0x20, 0xff]) as any]),
    );
    const { error } = await run(files, {});
    const lines = error!.message.split('\n');
    expect(lines[0]).toBe('Manifests cannot be read: 50 file(s)');
    expect(lines).toHaveLength(1 + 20 + 1);
    expect(lines[1]).toBe('  deploy/bin-00.yaml: not UTF-8 text (binary file?)');
    expect(lines[21]).toBe('  … and 30 more');
  });
});

describe('readManifests', () => {
  it('reads a folder of the workspace whose name starts with ".." (a ConfigMap\'s ..data)', async () => {
    const ws = workspace({ '..data/app.yaml': GOOD });
    await expect(readManifests(path.join(ws, '..data'), ws)).resolves.toEqual([{ file: '..data/app.yaml', text: GOOD }]);
    await expect(readManifests(path.join(ws, '..'), ws)).rejects.toThrow(/outside the workspace/);
  });
});
