import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { findCheck } from '@posture-dev/backstage-plugin-posture-node';
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

  it('neutralises control characters of file names in the message for a file it cannot read', async () => {
    const { error } = await gate({ 'deploy/a\n::error::x\u001b[2J.yaml': Buffer.from([0x6b, 0x3a, 0x20, 0xff]) as any });
    expect(error?.message).toMatch(/^Manifests cannot be read:/);
    expect(error?.message).toContain('deploy/a\\n::error::x^[[2J.yaml: not UTF-8 text');
    expect(error?.message.split('\n').some(l => l.startsWith('::error'))).toBe(false);
  });
});
