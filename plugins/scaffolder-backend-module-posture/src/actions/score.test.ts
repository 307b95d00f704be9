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
