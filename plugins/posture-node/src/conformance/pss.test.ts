import fs from 'node:fs';
import path from 'node:path';
import { CheckResult } from '@posture-dev/backstage-plugin-posture-common';
import { builtInChecks } from '../checks/catalog';
import { PSS_RESTRICTED_OVERRIDES } from '../checks/lib/pss';
import { Check } from '../engine/check';
import { resolveEngineConfig } from '../engine/config';
import { evaluate } from '../engine/engine';
import { K8sObject, arr, obj } from '../engine/k8s';
import { parseManifests } from '../engine/manifests';
import { describeWithShared } from './sharedDir';

/**
 * Conformance with upstream pod-security-admission, over its own generated
 * fixtures (shared/conformance/pss, one Pod per file, indexed by index.csv).
 *
 * Level sets follow upstream's registry: baseline is every baseline check;
 * restricted is every restricted check plus the baseline checks that no
 * restricted check overrides (`OverrideCheckIDs`). At restricted, a fixture
 * written for an overridden baseline check is judged by the check that
 * overrides it, as admission would.
 *
 * A `fail` fixture agrees when a check mapped to its upstream check fails and
 * no check mapped to another upstream check fails, except where upstream's
 * fixture cannot avoid breaking a second rule (see UNAVOIDABLE). A `pass`
 * fixture agrees when no check of its level fails or errors.
 */

type Level = 'baseline' | 'restricted';

interface Fixture {
  file: string;
  level: Level;
  expected: 'pass' | 'fail';
  pssCheck: string;
}

const lc = (s: string) => s.toLowerCase();
const upstreamIds = (c: Check) => (c.meta.references.pss ?? []).map(lc);

/** lower-cased baseline id -> lower-cased id of the restricted check that overrides it */
const OVERRIDDEN_BY = new Map(
  Object.entries(PSS_RESTRICTED_OVERRIDES).flatMap(([by, ids]) => ids.map(id => [lc(id), lc(by)] as const)),
);

/**
 * Second violations that upstream's own fixtures cannot avoid: either the API
 * server would reject the pod before admission otherwise, or the scenario
 * under test (a container with no securityContext at all) breaks both rules
 * by construction. Upstream's harness only looks for the named check's
 * message, so it tolerates these; here each is accepted only when its
 * evidence is exactly what that cause forces.
 */
const UNAVOIDABLE: Record<
  string,
  { check: string; explained: (co: CheckResult, target: CheckResult[], pod: K8sObject) => boolean }[]
> = {
  // validation requires hostNetwork: true for HostProcess pods
  windowshostprocess: [
    {
      check: 'hostnamespaces',
      explained: co => co.evidence.length > 0 && co.evidence.every(e => e.path.endsWith('.hostNetwork')),
    },
  ],
  // validation rejects privileged: true with allowPrivilegeEscalation: false,
  // so the privileged container of a restricted fixture leaves it unset
  privileged: [
    {
      check: 'allowprivilegeescalation',
      explained: (co, target) => {
        const privileged = new Set(target.flatMap(r => r.evidence.map(e => e.container)));
        return co.evidence.length > 0 && co.evidence.every(e => e.container !== undefined && privileged.has(e.container));
      },
    },
  ],
  // the "nil security context" fixture cannot drop capabilities either
  allowprivilegeescalation: [
    {
      check: 'capabilities_restricted',
      explained: (co, _target, pod) => {
        const bare = new Set(
          ['initContainers', 'containers', 'ephemeralContainers']
            .flatMap(t => arr(obj(pod.spec)?.[t]))
            .filter(c => obj(c) && !isSetValue(obj(c)!.securityContext))
            .map(c => obj(c)!.name),
        );
        return co.evidence.length > 0 && co.evidence.every(e => e.container !== undefined && bare.has(e.container));
      },
    },
  ],
};

const isSetValue = (v: unknown) => v !== undefined && v !== null;

function readIndex(dir: string): Fixture[] {
  const lines = fs.readFileSync(path.join(dir, 'index.csv'), 'utf8').split(/\r?\n/).filter(l => l.trim());
  const header = lines[0].split(',').map(h => h.trim());
  const col = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`index.csv has no ${name} column`);
    return i;
  };
  const [file, level, expected, pssCheck] = ['file', 'level', 'expected', 'pss_check'].map(col);
  return lines.slice(1).map(l => {
    const cells = l.split(',').map(c => c.trim());
    return {
      file: cells[file],
      level: cells[level] as Level,
      expected: cells[expected] as Fixture['expected'],
      pssCheck: lc(cells[pssCheck]),
    };
  });
}

function checksFor(level: Level, pssChecks: Check[]): Check[] {
  if (level === 'baseline') return pssChecks.filter(c => c.meta.pssLevel === 'baseline');
  return pssChecks.filter(
    c => c.meta.pssLevel === 'restricted' || !upstreamIds(c).some(id => OVERRIDDEN_BY.has(id)),
  );
}

/** Why a fixture disagrees with upstream, or undefined when it agrees. */
function judge(dir: string, f: Fixture, pssChecks: Check[]): string | undefined {
  const parsed = parseManifests(fs.readFileSync(path.join(dir, f.file), 'utf8'), f.file);
  if (parsed.errors.length > 0) return `does not parse: ${parsed.errors[0].message}`;
  if (parsed.objects.length !== 1) return `expected one object, found ${parsed.objects.length}`;
  const checks = checksFor(f.level, pssChecks);
  const byId = new Map(checks.map(c => [c.meta.id, c]));
  const out = evaluate(
    { objects: parsed.objects, origins: parsed.origins, mode: 'manifest' },
    checks,
    { config: resolveEngineConfig({}), now: Date.parse('2026-06-01T00:00:00Z') },
  );
  const errors = out.results.filter(r => r.status === 'error');
  if (errors.length > 0) return `errors: ${errors.map(r => `${r.checkId}: ${r.message}`).join('; ')}`;
  const failed = out.results.filter(r => r.status === 'fail' && byId.has(r.checkId));
  const describe = (rs: CheckResult[]) => rs.map(r => `${r.checkId} (${r.message})`).join('; ');

  if (f.expected === 'pass') return failed.length === 0 ? undefined : `should pass, but failed ${describe(failed)}`;

  const target = (f.level === 'restricted' && OVERRIDDEN_BY.get(f.pssCheck)) || f.pssCheck;
  const refs = (r: CheckResult) => upstreamIds(byId.get(r.checkId)!);
  const hits = failed.filter(r => refs(r).includes(target));
  if (hits.length === 0) {
    return `should fail ${target}, but ${failed.length === 0 ? 'nothing failed' : `only ${describe(failed)} failed`}`;
  }
  const others = failed.filter(r => !refs(r).includes(target));
  const unexplained = others.filter(
    r => !(UNAVOIDABLE[f.pssCheck] ?? []).some(x => refs(r).includes(x.check) && x.explained(r, hits, parsed.objects[0])),
  );
  return unexplained.length === 0 ? undefined : `also failed ${describe(unexplained)}`;
}

describeWithShared('PSS conformance', ['conformance', 'pss'], dir => {
  const pssChecks = builtInChecks.filter(c => c.meta.pssLevel !== undefined);
  const fixtures = readIndex(dir);

  it('maps every upstream check named by the fixtures to a check of the right level', () => {
    const missing = [...new Set(fixtures.filter(f => !f.pssCheck.startsWith('base')).map(f => `${f.level}:${f.pssCheck}`))]
      .filter(key => {
        const [level, id] = key.split(':') as [Level, string];
        return !pssChecks.some(
          c => upstreamIds(c).includes(id) && (level === 'restricted' || c.meta.pssLevel === 'baseline'),
        );
      });
    expect(missing).toEqual([]);
  });

  it('agrees with upstream pod-security-admission on every fixture', () => {
    expect(fixtures.length).toBeGreaterThan(0);
    const disagreements: string[] = [];
    for (const f of fixtures) {
      const why = judge(dir, f, pssChecks);
      if (why) disagreements.push(`${f.file} [${f.level} ${f.expected} ${f.pssCheck}]: ${why}`);
    }
    const agree = fixtures.length - disagreements.length;
    // eslint-disable-next-line no-console
    console.log(
      `PSS conformance: ${agree}/${fixtures.length} fixtures agree (${((100 * agree) / fixtures.length).toFixed(1)}%)`,
    );
    expect(disagreements).toEqual([]);
    expect(agree).toBe(fixtures.length);
  });
});
