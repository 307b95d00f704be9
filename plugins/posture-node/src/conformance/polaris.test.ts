import fs from 'node:fs';
import path from 'node:path';
import { builtInChecks } from '../checks/catalog';
import { resolveEngineConfig } from '../engine/config';
import { evaluate } from '../engine/engine';
import { parseManifests } from '../engine/manifests';
import { describeWithShared } from './sharedDir';

/**
 * Conformance with Fairwinds Polaris: every upstream fixture whose Polaris
 * check one of ours claims (meta.references.polaris) must get the upstream
 * verdict, except the deviations documented (with a reason) in
 * docs/deviations.md.
 */

const DEVIATIONS_DOC = path.resolve(__dirname, '../../../../docs/deviations.md');
const THRESHOLD = 97;

interface Row {
  file: string;
  check: string;
  expected: 'pass' | 'fail';
}

/** A minimal CSV reader: the index has no quoted fields, but tolerate them. */
function readIndex(dir: string): Row[] {
  const lines = fs.readFileSync(path.join(dir, 'index.csv'), 'utf8').split(/\r?\n/).filter(l => l.trim());
  const header = lines[0].split(',').map(h => h.trim());
  const col = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`index.csv has no ${name} column`);
    return i;
  };
  const [file, check, expected] = [col('file'), col('polaris_check'), col('expected')];
  return lines.slice(1).map(line => {
    const cells = line.split(',').map(c => c.trim().replace(/^"|"$/g, ''));
    const exp = cells[expected];
    if (exp !== 'pass' && exp !== 'fail') throw new Error(`index.csv: bad expected "${exp}" in ${line}`);
    return { file: cells[file], check: cells[check], expected: exp };
  });
}

/**
 * Rows `| <fixture file> | <reason> |` of the "Polaris fixtures" section of
 * docs/deviations.md.
 */
function parseDeviations(markdown: string): Map<string, string> {
  const out = new Map<string, string>();
  let inSection = false;
  for (const line of markdown.split(/\r?\n/)) {
    if (/^##\s/.test(line)) inSection = /polaris fixtures/i.test(line);
    if (!inSection || !line.trim().startsWith('|')) continue;
    const cells = line.split('|').slice(1, -1).map(c => c.trim());
    if (cells.length < 2) continue;
    const file = cells[0].replace(/`/g, '');
    if (!/\.ya?ml$/.test(file)) continue;
    const reason = cells.slice(1).join(' | ');
    if (!reason) throw new Error(`docs/deviations.md: ${file} has no reason`);
    out.set(file, reason);
  }
  return out;
}

interface Verdict {
  row: Row;
  agrees: boolean;
  /** what our mapped checks said, for the report */
  got: string;
}

describeWithShared('Polaris conformance', ['conformance', 'polaris'], dir => {
  const rows = readIndex(dir);
  const deviations = parseDeviations(fs.readFileSync(DEVIATIONS_DOC, 'utf8'));
  const config = resolveEngineConfig({ enabledChecks: builtInChecks.map(c => c.meta.id) });
  const claimedBy = (polarisCheck: string) =>
    builtInChecks.filter(c => c.meta.references.polaris?.includes(polarisCheck)).map(c => c.meta.id);

  const judge = (row: Row): Verdict => {
    const mapped = new Set(claimedBy(row.check));
    const parsed = parseManifests(fs.readFileSync(path.join(dir, row.file), 'utf8'), row.file);
    if (parsed.errors.length > 0)
      return { row, agrees: false, got: `parse error: ${parsed.errors.map(e => e.message).join('; ')}` };
    const out = evaluate(
      { objects: parsed.objects, origins: parsed.origins, mode: 'manifest' },
      builtInChecks,
      { config, now: Date.parse('2026-06-01T00:00:00Z') },
    );
    const results = out.results.filter(r => mapped.has(r.checkId));
    const failing = results.filter(r => r.status === 'fail');
    const agrees = row.expected === 'fail' ? failing.length > 0 : failing.length === 0;
    const got =
      results.map(r => `${r.checkId}=${r.status} on ${r.subject.kind}/${r.subject.name}`).join(', ') ||
      'no result from a mapped check';
    return { row, agrees, got };
  };

  const mappedRows = rows.filter(r => claimedBy(r.check).length > 0);
  const unmapped = [...new Set(rows.filter(r => claimedBy(r.check).length === 0).map(r => r.check))].sort();
  const verdicts = mappedRows.map(judge);

  it('documents deviations only for fixtures that exist and are mapped', () => {
    const known = new Set(mappedRows.map(r => r.file));
    expect([...deviations.keys()].filter(f => !known.has(f))).toEqual([]);
  });

  it('documents deviations only where we still disagree', () => {
    const stale = verdicts.filter(v => deviations.has(v.row.file) && v.agrees).map(v => v.row.file);
    expect(stale).toEqual([]);
  });

  it(`agrees with at least ${THRESHOLD}% of the mapped fixtures`, () => {
    const counted = verdicts.filter(v => !deviations.has(v.row.file));
    const agreeing = counted.filter(v => v.agrees);
    const pct = counted.length === 0 ? 100 : (100 * agreeing.length) / counted.length;
    const documented = verdicts.filter(v => deviations.has(v.row.file));
    const lines = [
      `Polaris conformance: ${agreeing.length}/${counted.length} fixtures agree (${pct.toFixed(1)}%), ${documented.length} documented deviations, ${unmapped.length} Polaris checks not mapped`,
      ...counted
        .filter(v => !v.agrees)
        .map(v => `  DISAGREE ${v.row.file} (${v.row.check}, expected ${v.row.expected}): ${v.got}`),
      ...documented.map(v => `  deviation ${v.row.file}: ${deviations.get(v.row.file)}`),
      `  not mapped: ${unmapped.join(', ') || '(none)'}`,
    ];
    // eslint-disable-next-line no-console
    console.log(lines.join('\n'));
    expect(counted.length).toBeGreaterThan(0);
    expect(pct).toBeGreaterThanOrEqual(THRESHOLD);
  });
});

describe('parseDeviations', () => {
  it('reads fixture rows of the Polaris section only', () => {
    const md = [
      '# Deviations',
      '## Polaris fixtures',
      '| Fixture | Reason |',
      '|---|---|',
      '| `a/failure.yaml` | deny-all counts | really |',
      '| not a fixture | x |',
      '## Pod Security Standards',
      '| `b/fail.yaml` | other section |',
    ].join('\n');
    expect([...parseDeviations(md)]).toEqual([['a/failure.yaml', 'deny-all counts | really']]);
  });

  it('rejects a row without a reason', () => {
    expect(() => parseDeviations('## Polaris fixtures\n| `a/x.yaml` |  |')).toThrow(/no reason/);
  });
});
