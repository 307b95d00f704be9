/* eslint jest/expect-expect: ["warn", { "assertFunctionNames": ["expect", "expectOneLineError"] }] */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { builtInChecks } from '../checks/catalog';
import { runCli } from './index';
import { redactParseMessage } from './command';
import { CliRun, chunks, parseXml, runInMemory, tempTree } from './testUtils';
import { version } from '../../package.json';

const deployment = (name: string, replicas: number, readOnly: boolean, extraMeta = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels: {app: ${name}}${extraMeta}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
        - name: app
          image: registry.example.com/${name}:1.0
          securityContext: {readOnlyRootFilesystem: ${readOnly}}
`;

const service = (name: string) => `apiVersion: v1
kind: Service
metadata: {name: ${name}}
spec:
  selector: {app: ${name}}
  ports: [{port: 80}]
`;

// Other checks are being added all the time: tests that assert exact results switch them off.
const ONLY_KNOWN = `disabledChecks:\n${builtInChecks
  .map(c => c.meta.id)
  .filter(id => id !== 'replicas' && id !== 'read-only-root-filesystem')
  .map(id => `  - ${id}\n`)
  .join('')}`;

/** The documented JSON report (docs/cli.md), as a strict schema: an undocumented field fails. */
const subject = z
  .object({ apiVersion: z.string(), kind: z.string(), namespace: z.string().optional(), name: z.string() })
  .strict();
const severity = z.enum(['critical', 'high', 'medium', 'low']);
const grade = z.enum(['A', 'B', 'C', 'D', 'F']).nullable();
const statusCounts = z
  .object({ pass: z.number(), fail: z.number(), 'not-applicable': z.number(), exempt: z.number(), error: z.number() })
  .strict();
const scores = {
  scores: z.object({ scalability: z.number().nullable(), security: z.number().nullable() }).strict(),
  overall: z.number().nullable(),
  grades: z.object({ scalability: grade, security: grade, overall: grade }).strict(),
  level: z.enum(['Gold', 'Silver', 'Bronze', 'None']),
  pssLevel: z.enum(['restricted', 'baseline', 'privileged']),
  counts: statusCounts,
  failingBySeverity: z.object({ critical: z.number(), high: z.number(), medium: z.number(), low: z.number() }).strict(),
};
const reportSchema = z
  .object({
    schemaVersion: z.literal(1),
    tool: z.object({ name: z.literal('posture'), version: z.string() }).strict(),
    checks: z.array(
      z
        .object({
          id: z.string(),
          title: z.string(),
          pillar: z.enum(['scalability', 'security']),
          category: z.string(),
          severity,
          rationale: z.string(),
          remediation: z.object({ text: z.string(), patch: z.string() }).strict(),
          references: z.record(z.string(), z.array(z.string())),
          pssLevel: z.enum(['baseline', 'restricted']).optional(),
          defaults: z.string().optional(),
          optIn: z.literal(true).optional(),
        })
        .strict(),
    ),
    results: z.array(
      z
        .object({
          checkId: z.string(),
          status: z.enum(['pass', 'fail', 'not-applicable', 'exempt', 'error']),
          severity,
          pillar: z.enum(['scalability', 'security']),
          message: z.string(),
          subject,
          file: z.string().optional(),
          documentIndex: z.number().int().nonnegative().optional(),
          line: z.number().int().positive().optional(),
          evidence: z.array(
            z
              .object({
                path: z.string(),
                value: z.string().optional(),
                container: z.string().optional(),
                detail: z.string().optional(),
                object: subject.optional(),
              })
              .strict(),
          ),
          exemption: z
            .object({
              reason: z.string(),
              until: z.string().optional(),
              expired: z.boolean(),
              source: z.enum(['annotation', 'config']),
            })
            .strict()
            .optional(),
        })
        .strict(),
    ),
    services: z.array(
      z
        .object({
          name: z.string(),
          namespace: z.string(),
          workloads: z.array(subject),
          results: z.array(z.number().int().nonnegative()),
          ...scores,
        })
        .strict(),
    ),
    summary: z.object({ files: z.number(), services: z.number(), workloads: z.number(), ...scores }).strict(),
    errors: z.array(
      z
        .object({
          file: z.string().optional(),
          documentIndex: z.number().optional(),
          line: z.number().optional(),
          message: z.string(),
        })
        .strict(),
    ),
  })
  .strict();
type Report = z.infer<typeof reportSchema>;

function json(run: CliRun): Report {
  return reportSchema.parse(JSON.parse(run.stdout));
}

/** Fatal errors are one line, prefixed, with no stack trace. */
function expectOneLineError(run: CliRun, pattern: RegExp) {
  expect(run.code).toBe(2);
  expect(run.stdout).toBe('');
  const lines = run.stderr.trimEnd().split('\n');
  expect(lines[lines.length - 1]).toMatch(/^posture: /);
  expect(lines[lines.length - 1]).toMatch(pattern);
  expect(run.stderr).not.toMatch(/\n\s+at /);
}

describe('posture scan', () => {
  let tree: { dir: string; cleanup: () => void };
  const run = (args: string[], opts: Parameters<typeof runInMemory>[1] = {}) =>
    runInMemory(['scan', ...args], { cwd: tree.dir, ...opts });

  beforeEach(() => {
    tree = tempTree({
      'only-known.yaml': ONLY_KNOWN,
      // doc 0: Deployment, doc 1: Service, doc 2: a List of two Deployments, doc 3: malformed, doc 4: Deployment
      'app/multi.yaml': [
        deployment('web', 1, true),
        service('web'),
        `apiVersion: v1\nkind: List\nitems:\n${[deployment('api', 2, true), deployment('worker', 3, false)]
          .map(d => `  - ${d.trimEnd().split('\n').join('\n    ')}\n`)
          .join('')}`,
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: broken\ndata: x\n',
        deployment('db', 2, true),
      ].join('---\n'),
      'app/good.yaml': deployment('good', 2, true),
    });
  });
  afterEach(() => tree.cleanup());

  it('lists a workload defined in two files once, and warns that only its first definition is scored', async () => {
    fs.writeFileSync(path.join(tree.dir, 'copy.yaml'), deployment('good', 2, true));
    const r = await run(['app/good.yaml', 'copy.yaml', '--format', 'json', '--config', 'only-known.yaml']);
    expect(r.code).toBe(0);
    const report = json(r);
    expect(report.services.flatMap(s => s.workloads.map(w => w.name))).toEqual(['good']);
    expect(report.summary).toMatchObject({ workloads: 1 });
    expect(r.stderr).toContain(
      'posture: warning: 1 workload is defined more than once (Deployment/default/good 2 times); only the first definition of each is scored',
    );
  });

  describe('--format json', () => {
    it('matches the documented schema and reports every workload, List item and broken document', async () => {
      const r = await run(['app/multi.yaml', '--format', 'json', '--config', 'only-known.yaml']);
      expect(r.code).toBe(0);
      const report = json(r);
      // written in pieces: the top levels indented, then one result (check, service, error) per line
      const lines = r.stdout.trimEnd().split('\n');
      expect(lines.filter(l => l.startsWith('    {"checkId":')).length).toBe(report.results.length);
      const rows = lines.filter(l => l.startsWith('    {'));
      expect(rows.map(l => JSON.parse(l.replace(/,$/, '')))).toHaveLength(rows.length);
      expect(report.tool).toEqual({ name: 'posture', version });
      expect(report.checks.map(c => c.id).sort()).toEqual(['read-only-root-filesystem', 'replicas', 'valid-object']);

      const workloads = report.services.flatMap(s => s.workloads.map(w => w.name)).sort();
      expect(workloads).toEqual(['api', 'db', 'web', 'worker']);
      expect(report.summary).toMatchObject({ files: 1, workloads: 4, services: 4 });

      const file = path.join('app', 'multi.yaml');
      expect(report.errors).toEqual([
        expect.objectContaining({ file, documentIndex: 3, line: expect.any(Number) }),
      ]);
      expect(report.errors[0].message).toMatch(/document 3/);
      expect(r.stderr).toContain(`posture: warning: ${file}:${report.errors[0].line}: document 3`);

      const replicasOf = (name: string) =>
        report.results.find(x => x.checkId === 'replicas' && x.subject.name === name)!;
      expect(replicasOf('web')).toMatchObject({
        status: 'fail',
        severity: 'high',
        subject: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'web' },
        file,
        documentIndex: 0,
        line: 1,
        evidence: [expect.objectContaining({ path: 'spec.replicas' })],
      });
      expect(replicasOf('api')).toMatchObject({ status: 'pass', documentIndex: 2 });
      expect(replicasOf('db')).toMatchObject({ status: 'pass', documentIndex: 4 });
      // the line where each document starts, counted in the file
      const text = fs.readFileSync(path.join(tree.dir, file), 'utf8').split('\n');
      expect(text[replicasOf('db').line! - 1]).toBe('apiVersion: apps/v1');
      expect(text[replicasOf('api').line! - 1]).toBe('apiVersion: v1');
      expect(text[report.errors[0].line! - 1]).toBe('apiVersion: v1');
      expect(text[report.errors[0].line!]).toBe('kind: ConfigMap');

      const worker = report.results.find(x => x.checkId === 'read-only-root-filesystem' && x.subject.name === 'worker')!;
      expect(worker.status).toBe('fail');
      expect(worker.evidence[0].path).toBe('spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem');

      const web = report.services.find(s => s.name === 'web')!;
      expect(web.scores).toEqual({ scalability: 0, security: 100 });
      expect(web.grades.scalability).toBe('F');
      expect(web.results.map(i => report.results[i].subject.name)).toEqual(
        expect.arrayContaining(['web']),
      );
    });

    it('writes the report to --output, not stdout', async () => {
      const r = await run(['app/good.yaml', '-f', 'json', '-o', 'out/report.json'], {}).catch(e => e);
      // the folder does not exist: a clear error
      expectOneLineError(r, /cannot write out\/report.json/);
      fs.mkdirSync(path.join(tree.dir, 'out'));
      const ok = await run(['app/good.yaml', '-f', 'json', '-o', 'out/report.json']);
      expect(ok.code).toBe(0);
      expect(ok.stdout).toBe('');
      reportSchema.parse(JSON.parse(fs.readFileSync(path.join(tree.dir, 'out/report.json'), 'utf8')));
    });
  });

  describe('--format table', () => {
    it('shows each service with scores and failing checks, and a summary', async () => {
      const r = await run(['app', '--config', 'only-known.yaml']);
      expect(r.code).toBe(0);
      const lines = r.stdout.split('\n');
      const web = lines.findIndex(l => l.startsWith('default/web'));
      expect(web).toBeGreaterThanOrEqual(0);
      expect(lines[web + 1]).toMatch(/scalability 0 F {2}security 100 A {2}overall \d+(\.\d)? [A-F] {2}level Bronze {2}PSS restricted/);
      expect(lines[web + 2]).toMatch(/^ {2}high +replicas +Deployment\/web +spec\.replicas$/);
      expect(lines[web + 3]).toContain(`(${path.join('app', 'multi.yaml')}:1)`);
      expect(r.stdout).toMatch(/^ {2}medium +read-only-root-filesystem +Deployment\/worker +spec\.template\.spec\.containers\[0\]/m);
      expect(r.stdout).toMatch(/^Summary: 2 files, 5 workloads in 5 services$/m);
      expect(r.stdout).toMatch(/^ {2}\d+ passed, 2 failed \(1 high, 1 medium\), 0 exempt, 0 not applicable, 0 errors$/m);
      expect(r.stdout).not.toContain('\u001b[');
    });

    it('uses colour only on a terminal, and never with NO_COLOR', async () => {
      let out = '';
      const tty = { write: (s: string) => (out += s), isTTY: true };
      await runCli(['scan', 'app/good.yaml'], { stdout: tty, stderr: { write: () => 0 }, cwd: tree.dir, env: {} });
      expect(out).toContain('\u001b[');
      out = '';
      await runCli(['scan', 'app/good.yaml'], {
        stdout: tty,
        stderr: { write: () => 0 },
        cwd: tree.dir,
        env: { NO_COLOR: '1' },
      });
      expect(out).not.toContain('\u001b[');
      expect((await run(['app/good.yaml'], { env: { FORCE_COLOR: '1' } })).stdout).toContain('\u001b[');
    });
  });

  describe('--format sarif', () => {
    it('is SARIF 2.1.0 with a rule per check and located results', async () => {
      const r = await run(['app/multi.yaml', '-f', 'sarif', '--config', 'only-known.yaml']);
      expect(r.code).toBe(0);
      const sarif = JSON.parse(r.stdout);
      expect(sarif.version).toBe('2.1.0');
      expect(sarif.$schema).toMatch(/sarif-2\.1\.0/);
      expect(sarif.runs).toHaveLength(1);
      const { driver } = sarif.runs[0].tool;
      expect(driver).toMatchObject({ name: 'posture', version });
      const ids = driver.rules.map((x: { id: string }) => x.id);
      expect(new Set(ids).size).toBe(ids.length);
      const rorfs = driver.rules.find((x: { id: string }) => x.id === 'read-only-root-filesystem');
      expect(rorfs).toMatchObject({
        shortDescription: { text: 'Root filesystem is read-only' },
        help: { text: expect.stringContaining('readOnlyRootFilesystem') },
        helpUri: 'https://hub.armosec.io/docs/c-0017',
        defaultConfiguration: { level: 'warning' },
      });

      const results = sarif.runs[0].results;
      expect(results).toHaveLength(2); // replicas on web, read-only-root-filesystem on worker
      for (const res of results) {
        expect(driver.rules[res.ruleIndex].id).toBe(res.ruleId);
        expect(['error', 'warning', 'note']).toContain(res.level);
        expect(res.message.text).toEqual(expect.any(String));
      }
      const replicas = results.find((x: { ruleId: string }) => x.ruleId === 'replicas');
      expect(replicas.level).toBe('error');
      expect(replicas.locations[0].physicalLocation).toEqual({
        artifactLocation: { uri: 'app/multi.yaml' },
        region: { startLine: 1 },
      });
      expect(replicas.locations[0].logicalLocations).toEqual([
        { name: 'web', fullyQualifiedName: 'Deployment/default/web', kind: 'resource' },
        { name: 'spec.replicas', fullyQualifiedName: 'Deployment/default/web:spec.replicas', kind: 'property' },
      ]);
      const notes = sarif.runs[0].invocations[0].toolExecutionNotifications;
      expect(notes).toEqual([
        expect.objectContaining({
          level: 'error',
          message: { text: expect.stringMatching(/document 3/) },
          locations: [{ physicalLocation: { artifactLocation: { uri: 'app/multi.yaml' }, region: { startLine: expect.any(Number) } } }],
        }),
      ]);
    });
  });

  describe('--format junit', () => {
    it('is well-formed XML with a suite per service and a case per check and subject', async () => {
      const extra = tempTree({
        'exempt.yaml': deployment(
          'legacy',
          1,
          true,
          `\n  annotations:\n    posture.backstage.io/exempt: replicas\n    posture.backstage.io/exempt-reason: "singleton <lock> & co"`,
        ),
        'empty-pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: {name: nothing}\nspec: {containers: []}\n',
        'nameless.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n',
      });
      try {
        const r = await run(['app', extra.dir, '-f', 'junit', '--config', 'only-known.yaml']);
        expect(r.code).toBe(0);
        const root = parseXml(r.stdout);
        expect(root.name).toBe('testsuites');
        const suites = root.children;
        const byName = Object.fromEntries(suites.map(s => [s.attrs.name, s]));
        expect(Object.keys(byName)).toEqual(
          expect.arrayContaining(['default/web', 'default/worker', 'default/legacy', 'default/nothing', 'inputs']),
        );
        const web = byName['default/web'];
        const replicas = web.children.find(c => c.attrs.name === 'replicas Deployment/default/web')!;
        expect(replicas.children[0]).toMatchObject({ name: 'failure', attrs: { type: 'high' } });
        expect(replicas.children[0].text).toContain('spec.replicas');
        expect(web.attrs).toMatchObject({ tests: '2', failures: '1', errors: '0', skipped: '0' });

        const legacy = byName['default/legacy'].children.find(c => c.attrs.name.startsWith('replicas '))!;
        expect(legacy.children[0]).toMatchObject({
          name: 'skipped',
          attrs: { message: 'exempt: singleton <lock> & co' },
        });
        const nothing = byName['default/nothing'].children.find(c => c.attrs.name.startsWith('read-only-root-filesystem '))!;
        expect(nothing.children[0].name).toBe('skipped');

        const nameless = suites.find(s => s.attrs.name.endsWith('nameless.yaml'))!;
        expect(nameless.children[0].children[0]).toMatchObject({ name: 'error' });
        expect(byName.inputs.children[0].children[0]).toMatchObject({ name: 'error', attrs: { type: 'input' } });

        const sum = (k: string) => suites.reduce((n, s) => n + Number(s.attrs[k]), 0);
        for (const k of ['tests', 'failures', 'errors', 'skipped']) expect(Number(root.attrs[k])).toBe(sum(k));
        for (const s of suites) expect(Number(s.attrs.tests)).toBe(s.children.length);
      } finally {
        extra.cleanup();
      }
    });
  });

  describe('exit codes', () => {
    it('is 0 below every threshold and 1 when one is crossed', async () => {
      const cfg = ['--config', 'only-known.yaml'];
      expect((await run(['app/good.yaml', ...cfg, '--min-score', '100', '--fail-on', 'low'])).code).toBe(0);
      // multi.yaml holds one broken document: no score falls short, but a gate does not pass over
      // input it could not judge
      for (const gate of [['--fail-on', 'critical'], ['--min-score', '0']]) {
        const r = await run(['app/multi.yaml', ...cfg, ...gate]);
        expect(r.code).toBe(1);
        expect(r.stderr).toContain('posture: threshold crossed: 1 input error: input that was not judged fails the gate');
      }
      // without a gate the same input reports and exits 0
      expect((await run(['app/multi.yaml', ...cfg])).code).toBe(0);

      const high = await run(['app/multi.yaml', ...cfg, '--fail-on', 'high']);
      expect(high.code).toBe(1);
      expect(high.stderr).toContain('posture: threshold crossed: --fail-on high: 1 failing result at high severity or worse');
      expect((await run(['app/multi.yaml', ...cfg, '--fail-on', 'medium'])).stderr).toContain(
        '2 failing results at medium severity or worse',
      );

      const low = await run(['app/multi.yaml', ...cfg, '--min-score', '50', '-f', 'json']);
      expect(low.code).toBe(1);
      // the report is still written: CI uploads it whatever the verdict
      expect(json(low).services.length).toBe(4);
      expect(low.stderr).toContain(
        'posture: threshold crossed: --min-score 50: default/web scalability 0, default/worker security 0\n',
      );
      // three of four high-severity replicas checks pass, and three of four medium ones
      expect((await run(['app/multi.yaml', ...cfg, '--min-score', '80'])).stderr).toContain(
        '--min-score 80: default/web scalability 0, default/worker security 0, summary scalability 75, summary security 75\n',
      );
    });

    it('is 2 for usage and input errors, with one clear line', async () => {
      expectOneLineError(await runInMemory([], { cwd: tree.dir }), /missing command/);
      expectOneLineError(await runInMemory(['lint'], { cwd: tree.dir }), /unknown command 'lint'/);
      expectOneLineError(await run([]), /missing required argument 'paths'/);
      expectOneLineError(await run(['app', '--bogus']), /unknown option '--bogus'/);
      expectOneLineError(await run(['app', '-f', 'xml']), /argument 'xml' is invalid/);
      expectOneLineError(await run(['app', '--min-score', 'abc']), /expected a number from 0 to 100/);
      expectOneLineError(await run(['app', '--min-score', '101']), /expected a number from 0 to 100/);
      expectOneLineError(await run(['app', '--fail-on', 'severe']), /argument 'severe' is invalid/);
      expectOneLineError(await run(['missing.yaml']), /^posture: cannot read missing.yaml: no such file or directory$/);
      expectOneLineError(await run(['app', '-c', 'nope.yaml']), /cannot read config nope.yaml: no such file/);
    });

    it('is 2 for a config the engine rejects, with its message', async () => {
      fs.writeFileSync(path.join(tree.dir, 'bad.yaml'), 'thresholds:\n  minReplicas: 0\nsurprise: true\n');
      expectOneLineError(
        await run(['app', '-c', 'bad.yaml']),
        /config bad.yaml: Invalid posture engine config: .*thresholds.minReplicas/,
      );
      fs.writeFileSync(path.join(tree.dir, 'bad.json'), '{"severities": ');
      expectOneLineError(await run(['app', '-c', 'bad.json']), /config bad.json does not parse/);
      fs.writeFileSync(path.join(tree.dir, 'ok.json'), '{"thresholds": {"minReplicas": 3}}');
      const ok = await run(['app/good.yaml', '-c', 'ok.json', '-f', 'json']);
      expect(json(ok).results.find(x => x.checkId === 'replicas')?.status).toBe('fail');
    });

    it('is 2 when nothing can be parsed', async () => {
      fs.writeFileSync(path.join(tree.dir, 'broken.yaml'), 'kind: [\n');
      const r = await run(['broken.yaml']);
      expectOneLineError(r, /nothing to scan: no input could be parsed \(1 error\)/);
      expect(r.stderr).toContain('posture: warning: broken.yaml:1: document 0');
      fs.writeFileSync(path.join(tree.dir, 'empty.yaml'), '# nothing here\n---\n');
      expectOneLineError(await run(['empty.yaml']), /the input holds no Kubernetes objects/);
      fs.mkdirSync(path.join(tree.dir, 'nothing'));
      fs.writeFileSync(path.join(tree.dir, 'nothing', 'README.md'), '# docs');
      expectOneLineError(await run(['nothing']), /no \.yaml, \.yml, \.json files in nothing/);
    });

    it('prints help and version with exit 0', async () => {
      const help = await run(['--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('--fail-on <severity>');
      const v = await runInMemory(['--version']);
      expect(v).toMatchObject({ code: 0, stdout: `${version}\n` });
    });
  });

  describe('inputs', () => {
    it('walks directories, skipping node_modules, hidden entries and other extensions', async () => {
      const t = tempTree({
        'k8s/a.yaml': deployment('a', 2, true),
        'k8s/nested/deeper/b.yml': deployment('b', 2, true),
        'k8s/c.json': JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [JSON.parse(JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'c' }, spec: { replicas: 2 } }))] }),
        'k8s/UPPER.YAML': deployment('upper', 2, true),
        'k8s/notes.txt': deployment('txt', 2, true),
        'k8s/node_modules/x.yaml': deployment('dep', 2, true),
        'k8s/.github/ci.yaml': deployment('hidden-dir', 2, true),
        'k8s/.hidden.yaml': deployment('hidden-file', 2, true),
        'explicit.manifest': deployment('explicit', 2, true),
      });
      try {
        // a loop: k8s/nested/loop -> k8s, and a second name for one file
        fs.symlinkSync(path.join(t.dir, 'k8s'), path.join(t.dir, 'k8s/nested/loop'));
        fs.symlinkSync(path.join(t.dir, 'k8s/a.yaml'), path.join(t.dir, 'k8s/nested/alias.yaml'));
        fs.symlinkSync(path.join(t.dir, 'gone.yaml'), path.join(t.dir, 'k8s/dangling.yaml'));
        const r = await runInMemory(['scan', 'k8s', 'explicit.manifest', 'k8s', '-f', 'json'], { cwd: t.dir });
        expect(r.code).toBe(0);
        const report = json(r);
        const names = report.services.flatMap(s => s.workloads.map(w => w.name)).sort();
        expect(names).toEqual(['a', 'b', 'c', 'explicit', 'upper']);
        expect(report.summary.files).toBe(5);
        expect(report.errors).toEqual([
          { file: path.join('k8s', 'dangling.yaml'), message: expect.stringMatching(/broken symbolic link/) },
        ]);
      } finally {
        t.cleanup();
      }
    });

    it('reports a binary or non-UTF-8 file and scans the rest', async () => {
      fs.writeFileSync(path.join(tree.dir, 'app', 'logo.yaml'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]));
      fs.writeFileSync(path.join(tree.dir, 'app', 'latin1.yaml'), Buffer.from('kind: Pod\nname: caf\xe9\n', 'latin1'));
      const r = await run(['app', '-f', 'json']);
      expect(r.code).toBe(0);
      const report = json(r);
      expect(report.errors).toEqual(
        expect.arrayContaining([
          { file: path.join('app', 'logo.yaml'), message: 'binary file (it contains NUL bytes)' },
          { file: path.join('app', 'latin1.yaml'), message: 'not UTF-8 text (binary file?)' },
        ]),
      );
      expect(report.summary.workloads).toBe(5);
      expect(r.stderr).toContain(`posture: warning: ${path.join('app', 'logo.yaml')}: binary file`);
    });

    it('reports a file it cannot read and scans the rest', async () => {
      const denied = path.join(tree.dir, 'app', 'good.yaml');
      const r = await run(['app', '-f', 'json'], {
        fs: {
          readFile: async p => {
            if (p === denied) throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
            return fs.promises.readFile(p);
          },
        },
      });
      expect(r.code).toBe(0);
      expect(json(r).errors).toContainEqual({ file: path.join('app', 'good.yaml'), message: 'cannot read: permission denied' });
    });

    it('reports a YAML alias bomb instead of expanding it', async () => {
      const bomb = [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        ...'bcdefghi'.split('').map((c, i) => {
          const prev = String.fromCharCode('a'.charCodeAt(0) + i);
          return `${c}: &${c} [${Array(9).fill(`*${prev}`).join(',')}]`;
        }),
        'kind: ConfigMap',
        'metadata: {name: lol}',
      ].join('\n');
      fs.writeFileSync(path.join(tree.dir, 'bomb.yaml'), `${bomb}\n---\n${deployment('fine', 2, true)}`);
      const started = Date.now();
      const r = await run(['bomb.yaml', '-f', 'json']);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(r.code).toBe(0);
      const report = json(r);
      expect(report.errors).toEqual([
        expect.objectContaining({ file: 'bomb.yaml', documentIndex: 0, message: expect.stringMatching(/alias/i) }),
      ]);
      expect(report.summary.workloads).toBe(1);

      fs.writeFileSync(path.join(tree.dir, 'only-bomb.yaml'), bomb);
      expectOneLineError(await run(['only-bomb.yaml']), /nothing to scan/);
    });

    it('refuses a file over the size limit without reading it, and scans the rest', async () => {
      // ~50 MB of valid YAML; parsing it would take minutes and gigabytes
      const big = path.join(tree.dir, 'app', 'huge.yaml');
      const line = Buffer.from('# padding padding padding padding padding padding padding padding\n');
      const fd = fs.openSync(big, 'w');
      const block = Buffer.concat(Array(16384).fill(line));
      const target = 50 * 1024 * 1024;
      for (let size = 0; size < target; size += block.length) {
        fs.writeSync(fd, block, 0, Math.min(block.length, target - size));
      }
      fs.closeSync(fd);
      const read: string[] = [];
      const before = process.memoryUsage();
      const r = await run(['app', '-f', 'json'], {
        fs: {
          readFile: async p => {
            read.push(p);
            return fs.promises.readFile(p);
          },
        },
      });
      const after = process.memoryUsage();
      expect(r.code).toBe(0);
      expect(read).not.toContain(big);
      expect(after.external + after.arrayBuffers - before.external - before.arrayBuffers).toBeLessThan(40 * 1024 * 1024);
      expect(json(r).errors).toContainEqual({
        file: path.join('app', 'huge.yaml'),
        message: 'file is 50.0 MB, larger than the 10.0 MB limit (raise it with --max-file-size)',
      });

      // the limit is the user's to change
      const small = await run(['app/multi.yaml', '--max-file-size', '0.001', '-f', 'json']);
      expect(small.code).toBe(2);
      expect(small.stderr).toContain('larger than the 2 KB limit');
      expectOneLineError(await run(['app', '--max-file-size', '0']), /expected a size in MB greater than 0/);
    });
  });

  describe('stdin', () => {
    it('scans `-` as a file named <stdin>', async () => {
      const r = await run(['-', '-f', 'json', '-c', 'only-known.yaml'], {
        stdin: chunks(deployment('piped', 1, true).slice(0, 40), Buffer.from(deployment('piped', 1, true).slice(40))),
      });
      expect(r.code).toBe(0);
      const report = json(r);
      expect(report.results.find(x => x.checkId === 'replicas')).toMatchObject({
        subject: { name: 'piped' },
        file: '<stdin>',
        line: 1,
      });
      const sarif = JSON.parse((await run(['-', '-f', 'sarif'], { stdin: chunks(deployment('piped', 1, true)) })).stdout);
      // no file to point at: only the logical location
      expect(sarif.runs[0].results[0].locations[0].physicalLocation).toBeUndefined();
    });

    it('exits 2 with "no input on stdin" when stdin is closed or empty', async () => {
      expectOneLineError(await run(['-']), /^posture: no input on stdin$/);
      expectOneLineError(await run(['-'], { stdin: chunks() }), /^posture: no input on stdin$/);
      expectOneLineError(await run(['-'], { stdin: chunks(' \n\n') }), /^posture: no input on stdin$/);
      const closed: AsyncIterable<Uint8Array> = {
        [Symbol.asyncIterator]: () => ({
          next: () => Promise.reject(Object.assign(new Error('EBADF: bad file descriptor, read'), { code: 'EBADF' })),
        }),
      };
      expectOneLineError(await run(['-'], { stdin: closed }), /^posture: no input on stdin$/);
      expectOneLineError(await run(['-', '-'], { stdin: chunks('a: 1') }), /can be given only once/);
    });

    it('refuses stdin over the size limit', async () => {
      expectOneLineError(
        await run(['-', '--max-file-size', '0.001'], { stdin: chunks('#'.repeat(600), '#'.repeat(600)) }),
        /standard input is larger than the 2 KB limit/,
      );
    });
  });

  describe('secrets', () => {
    it('never prints a secret value, in any format', async () => {
      const secrets = ['aHVudGVyMi1iYXNlNjQ=', 'hunter2-plain-value', 'SUPERSECRET-in-broken-doc'];
      fs.writeFileSync(
        path.join(tree.dir, 'secret.yaml'),
        [
          `apiVersion: v1\nkind: Secret\nmetadata: {name: creds}\ndata:\n  password: ${secrets[0]}\nstringData:\n  token: ${secrets[1]}\n`,
          `${deployment('uses-secret', 1, false).trimEnd()}\n          env:\n            - {name: TOKEN, value: ${secrets[1]}}\n            - name: PASSWORD\n              valueFrom: {secretKeyRef: {name: creds, key: password}}\n`,
          `apiVersion: v1\nkind: Secret\nmetadata: {name: broken}\nstringData: {a: b}\n]\n${secrets[2]}\n`,
        ].join('---\n'),
      );
      for (const format of ['table', 'json', 'sarif', 'junit']) {
        const r = await run(['secret.yaml', '-f', format]);
        expect(r.code).toBe(0);
        for (const s of secrets) {
          expect(r.stdout).not.toContain(s);
          expect(r.stderr).not.toContain(s);
        }
      }
    });

    it('strips quoted source from parser messages', () => {
      expect(redactParseMessage('document 0 does not parse: Unexpected scalar token in YAML stream: "p4ss\\"word"')).toBe(
        'document 0 does not parse: Unexpected scalar token in YAML stream',
      );
      expect(redactParseMessage('document 1 does not parse: Not a YAML token: s3cret')).toBe(
        'document 1 does not parse: Not a YAML token',
      );
      expect(redactParseMessage('document 2 does not parse: Missing closing "quote')).toBe(
        'document 2 does not parse: Missing closing "quote',
      );
    });
  });
});
