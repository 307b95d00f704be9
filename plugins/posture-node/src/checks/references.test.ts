import fs from 'node:fs';
import path from 'node:path';
import { builtInChecks } from './catalog';
import { UPSTREAM_TOOLS } from './lib/upstreamIds';

/**
 * A check's `references` claim that it means what the named upstream rule means. These tests keep the claims
 * honest: every named id exists in the tool (lib/upstreamIds.ts records the tool's list, source and version), and
 * every kube-score, Polaris and kubescape claim is shown by the check's own fixtures: one the upstream rule passes and one it
 * fails, each getting the same verdict from us. docs/deviations.md's claim tables must say the same as the code.
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

  // docs/deviations.md tells readers which check claims which upstream rule; the table must say what the code says
  const DOC = path.resolve(__dirname, '../../../../docs/deviations.md');
  const claimTables = {
    kubeScore: '### Which check claims which kube-score rule',
    polaris: '## Polaris claims',
    kubescape: '### Which check claims which kubescape control',
  } as const;

  /** The rows of the first table after `heading`: backticked ids of each column. */
  function tableAfter(doc: string, heading: string): { cells: string[]; upstream: string[]; ours: string[] }[] {
    const lines = doc.split('\n');
    const start = lines.findIndex(l => l.trim() === heading);
    if (start < 0) throw new Error(`docs/deviations.md has no heading "${heading}"`);
    const rows = [];
    let inTable = false;
    for (const line of lines.slice(start + 1)) {
      if (!line.trim().startsWith('|')) {
        if (inTable) break;
        continue;
      }
      inTable = true;
      const cells = line.split('|').slice(1, -1).map(c => c.trim());
      if (/^-+$/.test(cells[0]) || !cells[0].includes('`')) continue; // header and separator
      const ids = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map(m => m[1]);
      rows.push({ cells, upstream: ids(cells[0]), ours: ids(cells[1]) });
    }
    return rows;
  }

  it.each(tools)('docs/deviations.md lists every %s check with the checks that claim it', tool => {
    const rows = tableAfter(fs.readFileSync(DOC, 'utf8'), claimTables[tool]);
    const problems: string[] = [];
    for (const { id } of UPSTREAM_TOOLS[tool].checks) {
      const n = rows.filter(r => r.upstream.includes(id)).length;
      if (n !== 1) problems.push(`${id} is in ${n} rows`);
    }
    for (const r of rows) {
      const claimers = builtInChecks.filter(c => r.upstream.some(id => (c.meta.references[tool] ?? []).includes(id)));
      const claimed = claimers.map(c => c.meta.id).sort();
      if (JSON.stringify(claimed) !== JSON.stringify([...r.ours].sort()))
        problems.push(`${r.upstream.join(', ')}: the doc says ${r.ours.join(', ') || 'none'}, the code ${claimed.join(', ') || 'none'}`);
      const optIn = claimers.some(c => c.meta.optIn);
      if (optIn !== /^yes\b/.test(r.cells[2] ?? ''))
        problems.push(`${r.upstream.join(', ')}: "Ours off by default" should ${optIn ? '' : 'not '}say yes`);
    }
    expect(problems).toEqual([]);
  });
});
