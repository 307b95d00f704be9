import fs from 'node:fs';
import path from 'node:path';
import { templateEntityV1beta3Validator } from '@backstage/plugin-scaffolder-common';
import { resolveEngineConfig, scanManifests } from '@posture-dev/backstage-plugin-posture-node';
import { parse, parseAllDocuments } from 'yaml';
import { createPostureScoreAction } from './actions/score';
import { readManifests } from './actions/readManifests';
import {
  LoadedTemplate,
  ParameterPage,
  PropertySchema,
  TemplateRun,
  applyDefaults,
  cleanUpTemporaryDirectories,
  loadTemplate,
  pagesOf,
  runTemplate,
  validateParameters,
} from './render/__testUtils__';

/**
 * The golden-path templates promise a posture score in their `posture.backstage.io/guarantees` annotation. Each
 * template is run here over every exposure × mesh choice and the edges of its numeric parameters, with the
 * scaffolder's own rendering, and what it renders is scored with the default engine configuration. The claim is
 * read from the annotation, so changing a skeleton, a check or the claim without the others fails this test.
 */

const ROOT = path.resolve(__dirname, '../../..');
const TEMPLATES = path.join(ROOT, 'templates');
const GUARANTEES = 'posture.backstage.io/guarantees';
const REQUIRED_ACTIONS = ['fetch:template', 'posture:score', 'publish:github', 'catalog:register'];
const LEVELS = ['Gold', 'Silver', 'Bronze', 'None'];
const PSS = ['restricted', 'baseline', 'privileged'];

const templateFiles = fs
  .readdirSync(TEMPLATES, { withFileTypes: true })
  .filter(e => e.isDirectory() && fs.existsSync(path.join(TEMPLATES, e.name, 'template.yaml')))
  .map(e => path.join(TEMPLATES, e.name, 'template.yaml'))
  .sort();

interface Guarantee {
  scalability?: number;
  security?: number;
  level?: string;
  pss?: string;
}

/** `scalability=100,security=100,level=Gold,pss=restricted`; anything unknown is an error, not ignored. */
function parseGuarantee(text: string): Guarantee {
  const g: Guarantee = {};
  for (const part of text.split(',').map(p => p.trim()).filter(Boolean)) {
    const [key, value, extra] = part.split('=').map(s => s.trim());
    if (value === undefined || extra !== undefined) throw new Error(`"${part}" is not key=value`);
    if (key === 'scalability' || key === 'security') {
      const n = Number(value);
      if (!Number.isFinite(n) || n < 0 || n > 100) throw new Error(`${key}=${value} is not a score`);
      g[key] = n;
    } else if (key === 'level' && LEVELS.includes(value)) g.level = value;
    else if (key === 'pss' && PSS.includes(value)) g.pss = value;
    else throw new Error(`unknown guarantee ${part}`);
  }
  return g;
}

/** Every property the form can show: the pages' and those of their dependency branches. */
function properties(t: LoadedTemplate): Record<string, PropertySchema> {
  const out: Record<string, PropertySchema> = {};
  const add = (p: ParameterPage) => {
    for (const [k, v] of Object.entries(p.properties ?? {})) out[k] = { ...v, ...out[k] };
  };
  for (const page of pagesOf(t.entity.spec.parameters)) {
    add(page);
    for (const dep of Object.values(page.dependencies ?? {})) {
      if (!Array.isArray(dep)) (dep.oneOf ?? []).forEach(add);
    }
  }
  return out;
}

// What a user types for the fields that have no default.
const TYPED: Record<string, unknown> = {
  name: 'golden',
  description: 'A "golden" service: created by the template test',
  owner: 'group:default/team-platform',
  repoUrl: 'github.com?owner=acme&repo=golden',
  host: 'golden.example.com',
  queueName: 'orders.created',
};

interface Combination {
  label: string;
  values: Record<string, unknown>;
}

/**
 * Every exposure × mesh, times the replica edges the schema allows (lowest minimum with the tightest and the
 * widest maximum, highest minimum likewise). Other bounded integers alternate between their bounds.
 */
function combinations(t: LoadedTemplate): Combination[] {
  const props = properties(t);
  const { minReplicas, maxReplicas, exposure, mesh } = props;
  const lo = minReplicas.minimum!;
  const minHi = minReplicas.maximum!;
  const hi = maxReplicas.maximum!;
  const replicaEdges = [
    [lo, lo + 1],
    [lo, hi],
    [minHi, minHi + 1],
    [minHi, hi],
  ];
  const bounded = Object.entries(props).filter(
    ([k, s]) => s.type === 'integer' && k !== 'minReplicas' && k !== 'maxReplicas' && s.minimum !== undefined,
  );
  const typed = Object.fromEntries(Object.entries(TYPED).filter(([k]) => k in props));
  const out: Combination[] = [];
  for (const e of exposure.enum as string[]) {
    for (const m of mesh.enum as string[]) {
      replicaEdges.forEach(([min, max], i) => {
        const values: Record<string, unknown> = { ...typed, exposure: e, mesh: m, minReplicas: min, maxReplicas: max };
        if (e !== 'external') delete values.host;
        for (const [k, s] of bounded) values[k] = i % 2 === 0 ? s.minimum : s.maximum ?? s.minimum;
        // half the runs belong to a system
        if (out.length % 2 === 1) values.system = 'system:default/payments';
        out.push({ label: `${e} × ${m}, replicas ${min}-${max}`, values });
      });
    }
  }
  return out;
}

const MOCK_OUTPUTS = {
  'publish:github': {
    remoteUrl: 'https://github.com/acme/golden.git',
    repoContentsUrl: 'https://github.com/acme/golden/blob/main',
  },
  'catalog:register': { entityRef: 'component:default/golden', catalogInfoUrl: 'https://github.com/acme/golden/blob/main/catalog-info.yaml' },
};

function filesUnder(dir: string, rel = ''): string[] {
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap(e => {
    const r = path.posix.join(rel, e.name);
    return e.isDirectory() ? filesUnder(dir, r) : [r];
  });
}

const yamlDocs = (text: string) => parseAllDocuments(text).map(d => d.toJS()).filter(Boolean);

/** CPU in millicores and memory in MiB, for the quantities the skeletons write. */
function quantity(q: unknown, unit: 'cpu' | 'memory'): number {
  const m = /^(\d+(?:\.\d+)?)(m|Mi|Gi)?$/.exec(String(q));
  if (!m) throw new Error(`unexpected quantity ${q}`);
  const n = Number(m[1]);
  const scale: Record<string, number> =
    unit === 'cpu' ? { m: 1, '': 1000 } : { Gi: 1024, Mi: 1, '': 1 / (1024 * 1024) };
  return n * scale[m[2] ?? ''];
}

const scored: { template: string; combination: string; scalability: number | null; security: number | null; level: string; pss: string }[] = [];

afterAll(() => {
  cleanUpTemporaryDirectories();
  const perTemplate = new Map<string, number>();
  for (const s of scored) perTemplate.set(s.template, (perTemplate.get(s.template) ?? 0) + 1);
  const distinct = new Set(scored.map(s => `${s.scalability}/${s.security}/${s.level}/${s.pss}`));
  // eslint-disable-next-line no-console
  console.log(
    `[templates] rendered and scored ${scored.length} parameter combinations (${[...perTemplate]
      .map(([t, n]) => `${t}: ${n}`)
      .join(', ')}); scalability/security/level/pss seen: ${[...distinct].join(', ')}`,
  );
});

it('finds the golden-path templates', () => {
  expect(templateFiles.map(f => path.basename(path.dirname(f)))).toEqual(
    expect.arrayContaining(['event-worker', 'http-service', 'stateful-service']),
  );
});

it('registers every template in the catalog through app-config.yaml', () => {
  const config = parse(fs.readFileSync(path.join(ROOT, 'app-config.yaml'), 'utf8'));
  const backendDir = path.join(ROOT, 'packages/backend'); // file locations are relative to the backend
  const targets = (config.catalog.locations as any[])
    .filter(l => l.type === 'file' && (l.rules ?? []).some((r: any) => (r.allow ?? []).includes('Template')))
    .map(l => path.resolve(backendDir, l.target));
  // the catalog expands file targets with glob; these use `*` within one path segment only
  const expand = (pattern: string): string[] => {
    const segs = pattern.split(path.sep);
    let found = [segs[0] || path.sep];
    for (const seg of segs.slice(1)) {
      if (!seg.includes('*')) {
        found = found.map(f => path.join(f, seg));
        continue;
      }
      const re = new RegExp(`^${seg.split('*').map(s => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);
      found = found.flatMap(f => (fs.existsSync(f) ? fs.readdirSync(f).filter(n => re.test(n)).map(n => path.join(f, n)) : []));
    }
    return found.filter(f => fs.existsSync(f));
  };
  expect(targets.flatMap(expand).sort()).toEqual(templateFiles);
});

describe.each(templateFiles.map(f => [path.basename(path.dirname(f)), f]))('template %s', (name, file) => {
  const template = loadTemplate(file);
  const { entity } = template;
  const guarantee = parseGuarantee(entity.metadata.annotations?.[GUARANTEES] ?? '');
  const props = properties(template);
  const postureAction = createPostureScoreAction({ engineConfig: resolveEngineConfig({}) });

  describe('shape', () => {
    it('is a valid scaffolder.backstage.io/v1beta3 Template', async () => {
      expect(entity.apiVersion).toBe('scaffolder.backstage.io/v1beta3');
      expect(entity.kind).toBe('Template');
      await expect(templateEntityV1beta3Validator.check(entity as any)).resolves.toBe(true);
    });

    it('is a golden path that states its guarantee where users see it', () => {
      expect(entity.metadata.tags).toContain('golden-path');
      expect(guarantee).toEqual({ scalability: 100, security: 100, level: 'Gold', pss: 'restricted' });
      const description = entity.metadata.description ?? '';
      expect(description).toContain(`${guarantee.scalability} on scalability`);
      expect(description).toContain(`${guarantee.security} on security`);
      expect(description).toContain(`level ${guarantee.level}`);
      expect(description).toContain(`Pod Security ${guarantee.pss}`);
      // the form shows the same claim, read-only, so the review step states what the task will enforce
      const gate = props.postureGate;
      expect(gate['ui:readonly']).toBe(true);
      expect(gate.default).toBe(
        `scalability ${guarantee.scalability}, security ${guarantee.security}, level ${guarantee.level}, Pod Security ${guarantee.pss}`,
      );
    });

    it('renders, scores, publishes and registers, in that order, gating on the guarantee', () => {
      const steps = entity.spec.steps ?? [];
      expect(new Set(steps.map(s => s.id)).size).toBe(steps.length);
      const order = steps.map(s => s.action).filter(a => REQUIRED_ACTIONS.includes(a));
      expect(order).toEqual(REQUIRED_ACTIONS);
      const fetch = steps.find(s => s.action === 'fetch:template')!;
      expect(fs.statSync(path.join(template.dir, String(fetch.input?.url))).isDirectory()).toBe(true);
      // the gate is at least as strict as the claim, so a template that breaks it cannot create a repository
      const gate = steps.find(s => s.action === 'posture:score')!.input!;
      expect(gate.path).toBe('./deploy');
      expect(gate.minScore).toEqual({ scalability: guarantee.scalability, security: guarantee.security });
      expect(gate.minLevel).toBe(guarantee.level);
      expect(gate.failOn).toBe('low');
    });

    it('links the repository and the catalog entity, and shows the posture step outputs', () => {
      const output = entity.spec.output as any;
      expect(output.links.map((l: any) => l.url ?? l.entityRef)).toEqual([
        "${{ steps['publish'].output.remoteUrl }}",
        "${{ steps['register'].output.entityRef }}",
      ]);
      const text = output.text.map((t: any) => t.content).join('\n');
      for (const field of ['scores.scalability', 'scores.security', 'level', 'pssLevel']) {
        expect(text).toContain(`steps['posture'].output.${field}`);
      }
    });

    it('asks for the owner, system, replicas, exposure, mesh and repository with the right pickers', () => {
      const pages = pagesOf(entity.spec.parameters);
      const required = pages.flatMap(p => p.required ?? []);
      expect(props.owner['ui:field']).toBe('OwnerPicker');
      expect(props.system['ui:field']).toBe('EntityPicker');
      expect((props.system['ui:options'] as any).catalogFilter.kind).toEqual(['System']);
      expect(required).not.toContain('system');
      expect(props.repoUrl['ui:field']).toBe('RepoUrlPicker');
      expect((props.repoUrl['ui:options'] as any).allowedHosts).toEqual(['github.com']);
      expect(props.minReplicas.minimum).toBe(2);
      expect(props.maxReplicas.maximum).toBeGreaterThan(props.minReplicas.maximum!);
      expect(props.exposure.enum).toEqual(['internal', 'external']);
      expect(props.mesh.enum).toEqual(expect.arrayContaining(['istio', 'linkerd']));
      expect(props.imageDigest.default).toMatch(/^sha256:[a-f0-9]{64}$/);
      // the TLS host belongs to the external branch only
      const page = pages.find(p => p.properties?.exposure)!;
      expect(page.properties!.host).toBeUndefined();
      const branches = (page.dependencies!.exposure as { oneOf: ParameterPage[] }).oneOf;
      const external = branches.find(b => b.properties?.exposure?.const === 'external')!;
      expect(external.required).toContain('host');
    });

    it('rejects a maximum that is not above the minimum, a missing TLS host, and names that cannot be namespaces', () => {
      const base = applyDefaults(entity.spec.parameters, { ...TYPED, queueName: 'q' });
      expect(validateParameters(entity.spec.parameters, { ...base, minReplicas: 2, maxReplicas: 3 })).toEqual([]);
      for (const name of ['default', 'kube-system', 'Golden', 'golden_svc', '-golden', 'a'.repeat(41)]) {
        expect([name, validateParameters(entity.spec.parameters, { ...base, name }).length > 0]).toEqual([name, true]);
      }
      expect(validateParameters(entity.spec.parameters, { ...base, minReplicas: 2, maxReplicas: 2 })).not.toEqual([]);
      expect(validateParameters(entity.spec.parameters, { ...base, minReplicas: 7, maxReplicas: 5 })).not.toEqual([]);
      expect(validateParameters(entity.spec.parameters, { ...base, minReplicas: 1, maxReplicas: 5 })).not.toEqual([]);
      const external: Record<string, unknown> = { ...base, exposure: 'external' };
      delete external.host;
      expect(validateParameters(entity.spec.parameters, external)).not.toEqual([]);
    });
  });

  describe.each(combinations(template).map(c => [c.label, c]))('%s', (_label, combination) => {
    let run: TemplateRun;
    let workspace: string;
    const v = combination.values;

    beforeAll(async () => {
      run = await runTemplate(template, v, { actions: [postureAction], mockOutputs: MOCK_OUTPUTS });
      workspace = run.workspacePath;
    });

    it(`meets its guarantee (${entity.metadata.annotations?.[GUARANTEES]}) with the default engine config`, async () => {
      expect(run.failed?.error.message).toBeUndefined();
      const inputs = await readManifests(path.join(workspace, 'deploy'), workspace);
      const report = scanManifests(inputs, { config: resolveEngineConfig({}) });
      expect(report.parseErrors).toEqual([]);
      const notCounted = report.results
        .filter(r => r.status === 'exempt' || r.status === 'error')
        .map(r => `${r.status} ${r.checkId} ${r.subject.kind}/${r.subject.name}: ${r.message}`);
      expect(notCounted).toEqual([]);
      const failing = report.results
        .filter(r => r.status === 'fail')
        .map(r => `${r.checkId} ${r.subject.kind}/${r.subject.name}: ${r.message}`);
      expect(failing).toEqual([]);
      // one service, found by its kubernetes-id, whose scorecard is what the entity's Posture tab will show
      expect(report.workloads).toHaveLength(1);
      expect(report.services.map(sv => [sv.name, sv.namespace])).toEqual([[v.name, v.name]]);
      for (const card of [report.summary, report.services[0].scorecard]) {
        expect(card.scores.scalability).toBe(guarantee.scalability);
        expect(card.scores.security).toBe(guarantee.security);
        expect(card.level).toBe(guarantee.level);
        expect(card.pssLevel).toBe(guarantee.pss);
      }
      const { summary } = report;
      scored.push({
        template: name,
        combination: combination.label,
        scalability: summary.scores.scalability,
        security: summary.scores.security,
        level: summary.level,
        pss: summary.pssLevel,
      });
      // the template's own gate saw the same and shows it in the task output
      expect(run.steps.posture.output.scores).toEqual(summary.scores);
      const text = (run.output as any).text.map((t: any) => t.content).join('\n');
      expect(text).toContain(`| scalability | ${guarantee.scalability} | A |`);
      expect(text).toContain(`| security | ${guarantee.security} | A |`);
      expect(text).toContain(`Level **${guarantee.level}**, Pod Security **${guarantee.pss}**`);
      expect((run.output as any).links.map((l: any) => l.url ?? l.entityRef)).toEqual([
        MOCK_OUTPUTS['publish:github'].remoteUrl,
        MOCK_OUTPUTS['catalog:register'].entityRef,
      ]);
    });

    it('labels every object and pod with backstage.io/kubernetes-id', () => {
      const objects = filesUnder(workspace, 'deploy').flatMap(f => yamlDocs(fs.readFileSync(path.join(workspace, f), 'utf8')));
      expect(objects.length).toBeGreaterThan(5);
      const id = (labels: any) => labels?.['backstage.io/kubernetes-id'];
      expect(objects.map(o => [o.kind, id(o.metadata?.labels)])).toEqual(objects.map(o => [o.kind, v.name]));
      const pods = objects.filter(o => o.spec?.template).map(o => id(o.spec.template.metadata?.labels));
      expect(pods).toEqual([v.name]);
    });

    it('applies the chosen exposure, mesh and replica range', () => {
      const objects = filesUnder(workspace, 'deploy').flatMap(f => yamlDocs(fs.readFileSync(path.join(workspace, f), 'utf8')));
      const of = (kind: string) => objects.filter(o => o.kind === kind);
      const ns = of('Namespace')[0];
      expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
      const external = v.exposure === 'external';
      expect(of('Ingress').map(i => [i.spec.tls[0].hosts, i.spec.rules[0].host])).toEqual(external ? [[[v.host], v.host]] : []);
      const istio = v.mesh === 'istio';
      expect({
        istioInjection: ns.metadata.labels['istio-injection'],
        linkerdInject: ns.metadata.annotations?.['linkerd.io/inject'],
        strictPeerAuthentications: of('PeerAuthentication').filter(p => p.spec?.mtls?.mode === 'STRICT').length,
      }).toEqual({
        istioInjection: istio ? 'enabled' : undefined,
        linkerdInject: istio ? undefined : 'enabled',
        strictPeerAuthentications: istio ? 1 : 0,
      });
      const scaler = [...of('HorizontalPodAutoscaler'), ...of('ScaledObject')];
      expect(scaler).toHaveLength(1);
      const [min, max] =
        scaler[0].kind === 'ScaledObject'
          ? [scaler[0].spec.minReplicaCount, scaler[0].spec.maxReplicaCount]
          : [scaler[0].spec.minReplicas, scaler[0].spec.maxReplicas];
      expect([min, max]).toEqual([v.minReplicas, v.maxReplicas]);
    });

    it('has a namespace quota that admits the maximum replica count', () => {
      const objects = filesUnder(workspace, 'deploy').flatMap(f => yamlDocs(fs.readFileSync(path.join(workspace, f), 'utf8')));
      const workload = objects.find(o => o.kind === 'Deployment' || o.kind === 'StatefulSet');
      const quota = objects.find(o => o.kind === 'ResourceQuota').spec.hard;
      // a Deployment surges one pod during a rollout; a StatefulSet replaces pods in place
      const pods = Number(v.maxReplicas) + (workload.kind === 'Deployment' ? Number(workload.spec.strategy.rollingUpdate.maxSurge) : 0);
      expect(Number(quota.pods)).toBeGreaterThanOrEqual(pods);
      const ann = workload.spec.template.metadata.annotations ?? {};
      // the injected proxy counts against the quota too; the skeletons set its resources explicitly
      const proxy =
        v.mesh === 'istio'
          ? { cpu: ann['sidecar.istio.io/proxyCPU'], memory: ann['sidecar.istio.io/proxyMemory'], cpuLimit: ann['sidecar.istio.io/proxyCPULimit'], memoryLimit: ann['sidecar.istio.io/proxyMemoryLimit'] }
          : { cpu: ann['config.linkerd.io/proxy-cpu-request'], memory: ann['config.linkerd.io/proxy-memory-request'], cpuLimit: ann['config.linkerd.io/proxy-cpu-limit'], memoryLimit: ann['config.linkerd.io/proxy-memory-limit'] };
      const containers = workload.spec.template.spec.containers;
      const sum = (pick: (c: any) => unknown, unit: 'cpu' | 'memory', extra: unknown) =>
        containers.reduce((n: number, c: any) => n + quantity(pick(c), unit), 0) + quantity(extra, unit);
      expect(quantity(quota['requests.cpu'], 'cpu')).toBeGreaterThanOrEqual(pods * sum(c => c.resources.requests.cpu, 'cpu', proxy.cpu));
      expect(quantity(quota['requests.memory'], 'memory')).toBeGreaterThanOrEqual(pods * sum(c => c.resources.requests.memory, 'memory', proxy.memory));
      expect(quantity(quota['limits.cpu'], 'cpu')).toBeGreaterThanOrEqual(pods * sum(c => c.resources.limits.cpu, 'cpu', proxy.cpuLimit));
      expect(quantity(quota['limits.memory'], 'memory')).toBeGreaterThanOrEqual(pods * sum(c => c.resources.limits.memory, 'memory', proxy.memoryLimit));
      for (const claim of workload.spec.volumeClaimTemplates ?? []) {
        expect(quantity(quota['requests.storage'], 'memory')).toBeGreaterThanOrEqual(
          Number(v.maxReplicas) * quantity(claim.spec.resources.requests.storage, 'memory'),
        );
      }
    });

    it('describes the component with its Kubernetes annotations, owner and system', () => {
      const info = parse(fs.readFileSync(path.join(workspace, 'catalog-info.yaml'), 'utf8'));
      expect(info.kind).toBe('Component');
      expect(info.metadata.name).toBe(v.name);
      expect(info.metadata.description).toBe(v.description);
      expect(info.metadata.annotations).toMatchObject({
        'backstage.io/kubernetes-id': v.name,
        'backstage.io/kubernetes-namespace': v.name,
        'github.com/project-slug': 'acme/golden',
      });
      expect(info.spec.owner).toBe(v.owner);
      expect(info.spec.lifecycle).toEqual(expect.any(String));
      expect(info.spec.system).toBe(v.system);
      // the manifests really are in the namespace the annotation names
      const ns = filesUnder(workspace, 'deploy')
        .flatMap(f => yamlDocs(fs.readFileSync(path.join(workspace, f), 'utf8')))
        .filter(o => o.kind !== 'Namespace')
        .map(o => o.metadata.namespace);
      expect(new Set(ns)).toEqual(new Set([v.name]));
    });

    it('keeps the GitHub Actions expressions and leaves no template syntax anywhere else', () => {
      const skeleton = path.join(template.dir, 'skeleton');
      const files = filesUnder(workspace);
      expect(files).toEqual(expect.arrayContaining(['.github/workflows/posture.yaml', 'Dockerfile', 'catalog-info.yaml']));
      const expressions = (text: string) => [...text.matchAll(/\$\{\{[^}]*\}\}/g)].map(e => e[0]);
      const seen = files.map(f => {
        const text = fs.readFileSync(path.join(workspace, f), 'utf8');
        return { f, templateTags: /\{%|%\}|\{#|#\}/.test(text), expressions: expressions(text) };
      });
      // only workflows hold ${{ }}: exactly those the skeleton protects with {% raw %}, arriving intact
      const expected = files.map(f => {
        const source = fs.readFileSync(path.join(skeleton, f), 'utf8');
        const raw = [...source.matchAll(/\{% raw %\}([\s\S]*?)\{% endraw %\}/g)].map(m => m[1]).join('\n');
        return { f, templateTags: false, expressions: f.startsWith('.github/workflows/') ? expressions(raw) : [] };
      });
      expect(seen).toEqual(expected);
      const workflows = seen.filter(x => x.f.startsWith('.github/workflows/'));
      expect(workflows.map(x => x.expressions.length > 0)).toEqual(workflows.map(() => true));
      workflows.forEach(x => expect(() => parse(fs.readFileSync(path.join(workspace, x.f), 'utf8'))).not.toThrow());
      const ci = fs.readFileSync(path.join(workspace, '.github/workflows/posture.yaml'), 'utf8');
      expect(ci).toContain('${{ env.POSTURE_CLI_PACKAGE }}');
      const runs = Object.values(parse(ci).jobs as Record<string, any>).flatMap(j => j.steps.map((s: any) => s.run ?? ''));
      expect(runs.some(r => /posture scan deploy --min-score 100 --fail-on low/.test(r))).toBe(true);
    });

    it('pins the image by a digest that the image workflow knows how to replace', () => {
      const image = parse(fs.readFileSync(path.join(workspace, '.github/workflows/image.yaml'), 'utf8'));
      expect(image.env.IMAGE).toBe(run.parameters.imageRepository);
      const deploy = filesUnder(workspace, 'deploy').map(f => fs.readFileSync(path.join(workspace, f), 'utf8')).join('\n');
      const pinned = [...deploy.matchAll(/image: (\S+)/g)].map(m => m[1]);
      expect(pinned).toEqual([`${image.env.IMAGE}@${run.parameters.imageDigest}`]);
      // the same expression the workflow's sed uses
      expect(deploy).toMatch(new RegExp(`image: ${image.env.IMAGE.replace(/[.]/g, '\\.')}@sha256:[a-f0-9]{64}`));
    });
  });

  it('offers no "none" mesh, since without mTLS the guarantee would not hold', async () => {
    expect(props.mesh.enum).not.toContain('none');
    const run = await runTemplate(
      template,
      { ...TYPED, queueName: 'q', exposure: 'internal', mesh: 'none' },
      { actions: [postureAction], mockOutputs: MOCK_OUTPUTS, skipValidation: true },
    );
    // if this starts passing (say the check becomes opt-in), a "none" choice can be offered again
    expect(run.failed?.step).toBe('posture');
    expect(run.steps.posture.output.failingChecks).toEqual([
      expect.objectContaining({ checkId: 'service-mesh-mtls', severity: 'low' }),
    ]);
  });

  it('stops at the posture gate when maxReplicas is not above minReplicas and the form was bypassed', async () => {
    const run = await runTemplate(
      template,
      { ...TYPED, queueName: 'q', exposure: 'internal', minReplicas: 3, maxReplicas: 3 },
      { actions: [postureAction], mockOutputs: MOCK_OUTPUTS, skipValidation: true },
    );
    const objects = filesUnder(run.workspacePath, 'deploy').flatMap(f =>
      yamlDocs(fs.readFileSync(path.join(run.workspacePath, f), 'utf8')),
    );
    // A KEDA ScaledObject has no built-in check comparing its bounds (it creates its HPA itself), so for the
    // worker only the form's validation stops this; the posture gate stops templates with an HPA.
    const hpa = objects.some(o => o.kind === 'HorizontalPodAutoscaler');
    expect({ failedAt: run.failed?.step, published: 'publish' in run.steps }).toEqual(
      hpa ? { failedAt: 'posture', published: false } : { failedAt: undefined, published: true },
    );
    expect(run.failed?.error.message ?? '').toMatch(hpa ? /hpa-max-above-min .*maxReplicas 3 is not above minReplicas 3/ : /^$/);
  });
});
