import { runInMemory, tempTree } from './testUtils';

/** The --kubernetes-version flag feeds the engine's kubernetesVersion (used by api-version-stable). */
describe('posture scan --kubernetes-version', () => {
  const tree = tempTree({
    'cronjob.yaml': `apiVersion: batch/v1beta1
kind: CronJob
metadata: {name: nightly, namespace: jobs}
spec:
  schedule: "0 3 * * *"
  jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: a, image: a:1}]}}}}
`,
    'old.json': '{"kubernetesVersion": "1.29"}',
  });
  afterAll(() => tree.cleanup());

  const status = async (args: string[]) => {
    const r = await runInMemory(['scan', 'cronjob.yaml', '-f', 'json', ...args], { cwd: tree.dir });
    const report = JSON.parse(r.stdout) as { results: { checkId: string; status: string; message: string }[] };
    return report.results.find(x => x.checkId === 'api-version-stable');
  };

  it('judges for the version given: batch/v1 arrives in 1.21', async () => {
    expect((await status(['--kubernetes-version', '1.20']))?.status).toBe('pass');
    const on129 = await status(['--kubernetes-version', 'v1.29.3']);
    expect(on129?.status).toBe('fail');
    expect(on129?.message).toMatch(/Kubernetes 1\.29 no longer serves it/);
  });

  it('overrides the config file', async () => {
    expect((await status(['-c', 'old.json']))?.status).toBe('fail');
    expect((await status(['-c', 'old.json', '--kubernetes-version', '1.20']))?.status).toBe('pass');
  });

  it('rejects a value that is not a version, with exit code 2', async () => {
    const r = await runInMemory(['scan', 'cronjob.yaml', '--kubernetes-version', 'latest'], { cwd: tree.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/expected a Kubernetes version such as 1.29/);
  });
});
