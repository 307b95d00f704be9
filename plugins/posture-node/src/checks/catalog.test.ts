import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { CHECK_FILES } from './catalog.generated';
import { builtInChecks } from './catalog';
import { evaluate } from '../engine/engine';
import { resolveEngineConfig } from '../engine/config';
import { parseManifests } from '../engine/manifests';
import { refOf } from '../engine/k8s';

describe('check catalog', () => {
  it('lists every check file (run `yarn workspace @posture-dev/backstage-plugin-posture-node generate` if this fails)', () => {
    const root = __dirname;
    const onDisk = fs
      .readdirSync(root, { withFileTypes: true })
      .filter(d => d.isDirectory() && d.name !== 'lib')
      .flatMap(d =>
        fs
          .readdirSync(path.join(root, d.name))
          .filter(f => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.startsWith('_'))
          .map(f => `${d.name}/${f.slice(0, -3)}`),
      )
      .sort();
    expect(CHECK_FILES).toEqual(onDisk);
  });

  it('has unique kebab-case ids and complete metadata', () => {
    const ids = new Set<string>();
    for (const { meta, fixtures } of builtInChecks) {
      expect(meta.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(ids.has(meta.id)).toBe(false);
      ids.add(meta.id);
      expect(meta.title.length).toBeGreaterThan(3);
      expect(['scalability', 'security']).toContain(meta.pillar);
      expect(['critical', 'high', 'medium', 'low']).toContain(meta.severity);
      expect(meta.rationale.length).toBeGreaterThan(10);
      expect(meta.remediation.text.length).toBeGreaterThan(5);
      expect(() => parse(meta.remediation.patch)).not.toThrow();
      expect(meta.category.length).toBeGreaterThan(0);
      // every check proves both outcomes with its own fixtures
      const outcomes = new Set(fixtures.map(f => f.expect));
      expect({ id: meta.id, pass: outcomes.has('pass'), fail: outcomes.has('fail') }).toEqual({
        id: meta.id,
        pass: true,
        fail: true,
      });
    }
  });

  const cases = builtInChecks.flatMap(check =>
    check.fixtures.map(f => [`${check.meta.id}: ${f.name}`, check, f] as const),
  );
  it.each(cases)('%s', (_name, check, fixture) => {
    const parsed = parseManifests(fixture.yaml, 'fixture.yaml');
    expect(parsed.errors).toEqual([]);
    const config = resolveEngineConfig({
      ...fixture.config,
      enabledChecks: [check.meta.id],
    });
    const out = evaluate(
      { objects: parsed.objects, origins: parsed.origins, mode: fixture.mode ?? 'manifest' },
      [check],
      { config, now: Date.parse('2026-06-01T00:00:00Z') },
    );
    const subject = fixture.subject
      ? parsed.objects.find(o => `${o.kind}/${o.metadata?.name}` === fixture.subject)
      : parsed.objects[0];
    expect(subject).toBeDefined();
    const ref = refOf(subject!);
    const result = out.results.find(
      r => r.checkId === check.meta.id && r.subject.kind === ref.kind && r.subject.name === ref.name,
    );
    const got = result ? { status: result.status, message: result.message } : { status: 'no result' };
    expect({ fixture: fixture.name, status: got.status }).toEqual({
      fixture: fixture.name,
      status: fixture.expect,
    });
  });
});
