import { builtInChecks } from './catalog';
import { UPSTREAM_TOOLS } from './lib/upstreamIds';

/**
 * A check's `references` claim that it means what the named upstream rule means. These tests keep the claims
 * honest: every named id exists in the tool (lib/upstreamIds.ts records the tool's list, source and version), and
 * every kube-score and Polaris claim is shown by the check's own fixtures: one the upstream rule passes and one it
 * fails, each getting the same verdict from us.
 */
const tools = Object.keys(UPSTREAM_TOOLS) as (keyof typeof UPSTREAM_TOOLS)[];

describe('check references', () => {
  it.each(tools)('name only %s checks that exist', tool => {
    const known = new Set(UPSTREAM_TOOLS[tool].checks.map(c => c.id));
    const unknown = builtInChecks.flatMap(c =>
      (c.meta.references[tool] ?? []).filter(id => !known.has(id)).map(id => `${c.meta.id} → ${id}`),
    );
    expect(unknown).toEqual([]);
  });

  it.each(tools)('show every %s claim with an upstream pass and fail fixture', tool => {
    const missing: string[] = [];
    for (const c of builtInChecks) {
      for (const id of c.meta.references[tool] ?? []) {
        const tagged = c.fixtures.filter(f => f.upstream?.includes(`${tool}:${id}`));
        for (const verdict of ['pass', 'fail'] as const)
          if (!tagged.some(f => f.expect === verdict)) missing.push(`${c.meta.id} → ${tool}:${id} has no ${verdict} fixture`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('tags fixtures only with the check\'s own references', () => {
    const stray: string[] = [];
    for (const c of builtInChecks) {
      const own = new Set(
        Object.entries(c.meta.references).flatMap(([tool, ids]) => ((ids as string[] | undefined) ?? []).map(id => `${tool}:${id}`)),
      );
      for (const f of c.fixtures)
        for (const tag of f.upstream ?? [])
          if (!own.has(tag)) stray.push(`${c.meta.id}: "${f.name}" names ${tag}, which the check does not claim`);
      // an upstream verdict is pass or fail; not-applicable is never an upstream pass
      for (const f of c.fixtures)
        if (f.upstream?.length && f.expect !== 'pass' && f.expect !== 'fail')
          stray.push(`${c.meta.id}: "${f.name}" shows an upstream verdict but expects ${f.expect}`);
    }
    expect(stray).toEqual([]);
  });

  it('lists each tool with its source and version, without duplicate ids', () => {
    for (const tool of tools) {
      const t = UPSTREAM_TOOLS[tool];
      expect(t.source.length).toBeGreaterThan(10);
      expect(t.version).toMatch(/\S/);
      const ids = t.checks.map(c => c.id);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });
});
