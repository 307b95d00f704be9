import { CheckResult } from '@posture-dev/backstage-plugin-posture-common';
import { Check, defineCheck, fail, pass } from './check';
import { resolveEngineConfig } from './config';
import { evaluate, resultsFor } from './engine';
import { parseManifests } from './manifests';

const writable = defineCheck({
  meta: {
    id: 'test-writable',
    title: 'Test check',
    pillar: 'security',
    category: 'Test',
    severity: 'high',
    rationale: 'test',
    remediation: { text: 'fix it', patch: 'a: 1\n' },
    references: {},
  },
  target: 'workload',
  evaluate: w =>
    w.podSpec.containers?.[0]?.securityContext?.readOnlyRootFilesystem === true
      ? pass('ok')
      : fail('writable', [{ path: `${w.podSpecPath}.containers[0].securityContext.readOnlyRootFilesystem` }]),
  fixtures: [],
});

const throwing = defineCheck({
  ...writable,
  meta: { ...writable.meta, id: 'test-throws' },
  evaluate: () => {
    throw new Error('boom');
  },
});

const pdbCheck = defineCheck({
  meta: { ...writable.meta, id: 'test-pdb', pillar: 'scalability' },
  target: 'object',
  kinds: ['PodDisruptionBudget'],
  evaluate: () => pass('fine'),
  fixtures: [],
});

const yaml = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
  labels: {backstage.io/kubernetes-id: shop-api}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api, tier: web}}
    spec: {containers: [{name: c, image: x:1}]}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker
  namespace: shop
  annotations:
    posture.backstage.io/exempt: test-writable
    posture.backstage.io/exempt-reason: legacy writes to /tmp
spec:
  selector: {matchLabels: {app: worker}}
  template:
    metadata: {labels: {app: worker}}
    spec: {containers: [{name: c, image: x:1}]}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: api, namespace: shop}
spec:
  minAvailable: 1
  selector:
    matchExpressions: [{key: tier, operator: In, values: [web]}]
---
apiVersion: v1
kind: Pod
metadata:
  name: owned
  namespace: shop
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: api-1, controller: true}]
spec: {containers: [{name: c, image: x:1}]}
---
kind: Service
metadata: {}
---
# the owned Pod's controller: a Pod is left to its controller only when that controller is in the input
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: api-1
  namespace: shop
  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: api, controller: true}]
spec: {template: {spec: {containers: [{name: c, image: x:1}]}}}
`;

describe('evaluate', () => {
  const parsed = parseManifests(yaml, 'app.yaml');
  const run = (config = {}, now = Date.parse('2026-01-01')) =>
    evaluate({ objects: parsed.objects, origins: parsed.origins, mode: 'manifest' }, [writable, throwing, pdbCheck], {
      config: resolveEngineConfig(config),
      now,
    });

  it('judges top-level workloads only, with origin and evidence', () => {
    const out = run();
    const w = out.results.filter(r => r.checkId === 'test-writable');
    expect(w.map(r => r.subject.name).sort()).toEqual(['api', 'worker']);
    const api = w.find(r => r.subject.name === 'api')!;
    expect(api).toMatchObject({ status: 'fail', file: 'app.yaml', documentIndex: 0, severity: 'high' });
    expect(api.evidence[0].path).toBe('spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem');
  });

  it('turns a throwing check into a per-object error and keeps going', () => {
    const out = run();
    const errors = out.results.filter(r => r.checkId === 'test-throws');
    expect(errors).toHaveLength(2);
    expect(errors.every(r => r.status === 'error' && r.message.includes('boom'))).toBe(true);
  });

  it('reports unreadable objects', () => {
    const out = run();
    expect(out.results.find(r => r.checkId === 'valid-object')).toMatchObject({
      status: 'error',
      message: expect.stringContaining('no metadata.name'),
    });
  });

  it('honours annotation exemptions, and fails again when expired', () => {
    expect(run().results.find(r => r.subject.name === 'worker' && r.checkId === 'test-writable')).toMatchObject({
      status: 'exempt',
      exemption: { reason: 'legacy writes to /tmp', source: 'annotation', expired: false },
    });
    const noAnnotations = run({ allowAnnotationExemptions: false });
    expect(noAnnotations.results.find(r => r.subject.name === 'worker' && r.checkId === 'test-writable')).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('disabled in config'),
    });
  });

  it('applies config exemptions with expiry', () => {
    const cfg = { exemptions: [{ checks: ['test-writable'], namespace: 'shop', name: 'api', reason: 'migrating', until: '2025-12-31' }] };
    expect(run(cfg, Date.parse('2025-12-31T12:00:00Z')).results.find(r => r.subject.name === 'api' && r.checkId === 'test-writable')?.status).toBe('exempt');
    const expired = run(cfg, Date.parse('2026-01-02')).results.find(r => r.subject.name === 'api' && r.checkId === 'test-writable');
    expect(expired).toMatchObject({ status: 'fail', exemption: { expired: true } });
    expect(expired?.message).toContain('exemption expired');
  });

  it('attributes related objects to workloads by selector (matchExpressions)', () => {
    const out = run();
    const api = out.workloads.find(w => w.ref.name === 'api')!;
    const worker = out.workloads.find(w => w.ref.name === 'worker')!;
    const ids = (w: typeof api) => resultsFor({ results: out.results, workloads: [w] }).map(r => `${r.checkId}:${r.subject.kind}/${r.subject.name}`);
    expect(ids(api)).toContain('test-pdb:PodDisruptionBudget/api');
    expect(ids(worker)).not.toContain('test-pdb:PodDisruptionBudget/api');
    expect(api.service).toBe('shop-api');
    expect(worker.service).toBe('worker');
    expect(out.services.map(s => s.name).sort()).toEqual(['shop-api', 'worker']);
  });

  it('switches checks off and overrides severities from config', () => {
    const out = run({ disabledChecks: ['test-throws'], severities: { 'test-writable': 'low' } });
    expect(out.results.some(r => r.checkId === 'test-throws')).toBe(false);
    expect(out.results.find(r => r.checkId === 'test-writable')?.severity).toBe('low');
    expect(out.checks.find(c => c.id === 'test-writable')?.severity).toBe('low');
  });

  it('reports each (check, subject) once: duplicate objects, repeated outcomes, repeated check ids', () => {
    const doc = parsed.objects[0];
    const twice = defineCheck({ ...writable, evaluate: () => [fail('first'), fail('second')] });
    const objects = [doc, JSON.parse(JSON.stringify(doc))];
    const byId = (checks: Check[]) =>
      evaluate({ objects, mode: 'manifest' }, checks, { config: resolveEngineConfig({}) }).results.map(
        r => `${r.checkId}:${r.message}`,
      );
    expect(byId([writable])).toEqual(['test-writable:writable']);
    expect(byId([twice])).toEqual(['test-writable:first']);
    // the same id again after another check ran on the subject: still deduplicated
    expect(byId([twice, throwing, writable])).toEqual([
      'test-writable:first',
      expect.stringMatching(/^test-throws:/),
    ]);
  });

  it('lists and judges a workload defined twice once, as its first definition', () => {
    const doc = parsed.objects[0];
    const second = JSON.parse(JSON.stringify(doc));
    second.spec.template.spec.containers[0].securityContext = { readOnlyRootFilesystem: true };
    const out = evaluate({ objects: [doc, second], mode: 'manifest' }, [writable], {
      config: resolveEngineConfig({}),
    });
    expect(out.workloads).toHaveLength(1);
    expect(out.services.map(s => s.workloads.length)).toEqual([1]);
    expect(out.results.map(r => r.status)).toEqual(['fail']);
    expect(out.repeatedWorkloads).toEqual([[out.workloads[0].key, 2]]);
  });

  it('attributes a result to each workload once, in result order', () => {
    const out = run();
    for (const w of out.workloads) {
      expect(w.resultIds).toEqual([...new Set(w.resultIds)].sort((a, b) => a - b));
    }
  });

  it('rejects invalid config with a readable message', () => {
    expect(() => resolveEngineConfig({ weights: { critical: -1 } })).toThrow(/weights.critical/);
    expect(() => resolveEngineConfig({ bogus: true })).toThrow(/Invalid posture engine config/);
  });
});

describe('attribution of object checks on workload kinds', () => {
  it("counts an object check's result on a workload towards that workload", () => {
    const byKind = defineCheck({
      meta: {
        id: 'object-on-cronjob',
        title: 'an object check that targets a workload kind',
        pillar: 'scalability',
        category: 'Test',
        severity: 'medium',
        rationale: 'test',
        remediation: { text: 'test', patch: 'apiVersion: batch/v1\n' },
        references: {},
      },
      target: 'object',
      kinds: ['CronJob'],
      evaluate: () => fail('written with a deprecated apiVersion'),
      fixtures: [],
    });
    const parsed = parseManifests(
      `apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly, namespace: jobs}
spec:
  schedule: "0 3 * * *"
  jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: a, image: a:1}]}}}}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: other, namespace: jobs}
spec:
  schedule: "0 4 * * *"
  jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: a, image: a:1}]}}}}
`,
      'jobs.yaml',
    );
    const out = evaluate({ objects: parsed.objects, mode: 'manifest' }, [byKind]);
    const nightly = out.workloads.find(w => w.ref.name === 'nightly')!;
    // its own result only, not the other CronJob's
    expect(resultsFor({ results: out.results, workloads: [nightly] }).map(r => [r.checkId, r.subject.name])).toEqual([
      ['object-on-cronjob', 'nightly'],
    ]);
  });
});

describe('resultsFor', () => {
  const results = ['a', 'b', 'c', 'd'].map(checkId => ({ checkId }) as unknown as CheckResult);
  const of = (...lists: number[][]) =>
    resultsFor({ results, workloads: lists.map(resultIds => ({ resultIds })) }).map(r => r.checkId);

  it('gives each result once, in id order, whatever the order of the ids', () => {
    expect(of([0, 2, 3])).toEqual(['a', 'c', 'd']);
    expect(of([3, 0, 2, 0])).toEqual(['a', 'c', 'd']);
    expect(of([1, 1])).toEqual(['b']);
    expect(of([3, 1], [1, 0])).toEqual(['a', 'b', 'd']);
    expect(of([])).toEqual([]);
    expect(of()).toEqual([]);
  });
});
