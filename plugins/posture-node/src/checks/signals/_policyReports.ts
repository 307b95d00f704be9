// One check per policy source over wgpolicyk8s.io reports (the `_` prefix keeps it out of the catalog).
import { Evidence } from '@posture-dev/backstage-plugin-posture-common';
import { CheckContext, CheckFixture, Outcome, WorkloadCheck, fail, notApplicable, pass } from '../../engine/check';
import { Workload } from '../../engine/workloads';
import { K8sObject, arr, labelsOf, namespaceOf, obj, refOf, str } from './_k8s';
import { owningWorkload } from './_owners';

/** Sources with their own check; every other source's results go to `policy-report-other`. */
export const KNOWN_SOURCES = ['kyverno', 'kubewarden'] as const;

interface Entry {
  report: K8sObject;
  index: number;
  source: string;
  policy: string;
  rule: string;
  result: string;
  message: string;
}

/** How many failing policies the message names before it says "and N more". */
const SHOWN = 5;

/** A result's source: its own `source`, else the report's `app.kubernetes.io/managed-by`. */
function sourceOf(report: K8sObject, result: Record<string, any>): string {
  return (str(result.source) || labelsOf(report)['app.kubernetes.io/managed-by'] || '').toLowerCase();
}

/** Every result of every report, attributed to the workloads it is about (by `scope`, or by the result's `resources`). */
function entriesByWorkload(ctx: CheckContext): Map<string, Entry[]> {
  return ctx.index.memo('policy-reports/by-workload', () => {
    const m = new Map<string, Entry[]>();
    for (const kind of ['PolicyReport', 'ClusterPolicyReport']) {
      for (const report of ctx.index.ofKind(kind)) {
        const scope = obj(report.scope);
        arr(report.results).forEach((raw, index) => {
          const r = obj(raw);
          if (!r) return;
          const refs = arr(r.resources).map(obj).filter(Boolean) as Record<string, any>[];
          const targets = refs.length ? refs : scope ? [scope] : [];
          const seen = new Set<string>();
          for (const t of targets) {
            const tkind = str(t.kind);
            const tname = str(t.name);
            if (!tkind || !tname) continue;
            const ns = str(t.namespace) || (kind === 'PolicyReport' ? namespaceOf(report) : '');
            if (!ns) continue;
            const w = owningWorkload(ctx, tkind, ns, tname);
            if (!w || seen.has(w.key)) continue;
            seen.add(w.key);
            const e: Entry = {
              report,
              index,
              source: sourceOf(report, r),
              policy: str(r.policy) ?? '(unnamed policy)',
              rule: str(r.rule) ?? '',
              result: str(r.result) ?? '',
              message: str(r.message) ?? '',
            };
            const list = m.get(w.key);
            if (list) list.push(e);
            else m.set(w.key, [e]);
          }
        });
      }
    }
    return m;
  });
}

function judge(w: Workload, ctx: CheckContext, belongs: (source: string) => boolean, label: string): Outcome {
  const entries = (entriesByWorkload(ctx).get(w.key) ?? []).filter(e => belongs(e.source));
  if (entries.length === 0) return notApplicable(`No ${label} policy report results for this workload`);
  // `fail` is a violation; `warn`, `error` and `skip` are not judged as one
  const failing = entries.filter(e => e.result === 'fail');
  if (failing.length === 0) {
    const policies = new Set(entries.map(e => e.policy));
    return pass(`${policies.size} ${label} polic${policies.size === 1 ? 'y' : 'ies'} reported, none failing`);
  }
  const evidence: Evidence[] = failing.map(e => ({
    path: `results[${e.index}]`,
    object: refOf(e.report),
    value: e.rule ? `${e.policy}/${e.rule}` : e.policy,
    detail: e.message || undefined,
  }));
  const names = [...new Set(failing.map(e => (e.rule ? `${e.policy}/${e.rule}` : e.policy)))];
  const more = names.length > SHOWN ? ` and ${names.length - SHOWN} more` : '';
  const first = failing[0].message ? `: ${failing[0].message}` : '';
  return fail(`${names.length} failing ${label} polic${names.length === 1 ? 'y' : 'ies'}: ${names.slice(0, SHOWN).join(', ')}${more}${first}`, evidence);
}

const DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: app, image: shop/web:1.0}]
`;
const REPORT = (source: string, result: string) => `---
apiVersion: wgpolicyk8s.io/v1alpha2
kind: PolicyReport
metadata: {name: web-report, namespace: shop}
scope: {apiVersion: apps/v1, kind: Deployment, name: web, namespace: shop}
results:
  - {source: ${source}, policy: require-labels, rule: check-team, result: ${result}, message: "label 'team' is required", severity: medium}
`;

function fixtures(source: string, other: string): CheckFixture[] {
  return [
    { name: 'a failing result fails', expect: 'fail', yaml: DEPLOY + REPORT(source, 'fail') },
    { name: 'only passing results pass', expect: 'pass', yaml: DEPLOY + REPORT(source, 'pass') },
    { name: 'a warning is not a failure', expect: 'pass', yaml: DEPLOY + REPORT(source, 'warn') },
    { name: 'no report is not applicable', expect: 'not-applicable', yaml: DEPLOY },
    { name: "another source's failure is not this check's", expect: 'not-applicable', yaml: DEPLOY + REPORT(other, 'fail') },
    {
      name: 'a ClusterPolicyReport result naming the workload counts',
      expect: 'fail',
      yaml: `${DEPLOY}---
apiVersion: wgpolicyk8s.io/v1alpha2
kind: ClusterPolicyReport
metadata: {name: cluster-report}
results:
  - source: ${source}
    policy: disallow-latest
    result: fail
    resources: [{apiVersion: apps/v1, kind: Deployment, name: web, namespace: shop}]
`,
    },
  ];
}

export function policyReportCheck(source: (typeof KNOWN_SOURCES)[number] | 'other', title: string): WorkloadCheck {
  const known = new Set<string>(KNOWN_SOURCES);
  const belongs = source === 'other' ? (s: string) => !known.has(s) : (s: string) => s === source;
  const label = source === 'other' ? 'other' : title;
  return {
    meta: {
      id: `policy-report-${source}`,
      title: source === 'other' ? 'No failing policies from other policy engines' : `No failing ${title} policies`,
      pillar: 'security',
      category: 'Policy reports',
      severity: 'high',
      rationale:
        'Admission and background policy engines write what they find into PolicyReport and ClusterPolicyReport objects (the Kubernetes Policy Working Group format). A failing result is a rule the organisation wrote down and the running workload breaks; showing it beside every other check puts it under the same exemptions, history and campaigns.',
      remediation: {
        text: "Change the workload so the policy's rule passes (the report's message says what the rule wants), or exempt the check with a reason.",
        patch: 'metadata:\n  labels:\n    <label the policy requires>: <value>\n',
      },
      references: {},
      defaults:
        source === 'other'
          ? `Reads wgpolicyk8s.io PolicyReports and ClusterPolicyReports; judges results from any source other than ${KNOWN_SOURCES.join(' and ')} (the result's source, else the report's app.kubernetes.io/managed-by label). A result counts for the workload its scope or resources name (ReplicaSets and Pods followed to their controller). Only \`fail\` fails; warn, error and skip do not. Not applicable without such results.`
          : `Reads wgpolicyk8s.io PolicyReports and ClusterPolicyReports; judges results whose source is ${source} (else the report's app.kubernetes.io/managed-by label). A result counts for the workload its scope or resources name (ReplicaSets and Pods followed to their controller). Only \`fail\` fails; warn, error and skip do not. Not applicable without such results.`,
    },
    target: 'workload',
    evaluate: (w, ctx) => judge(w, ctx, belongs, label),
    fixtures: source === 'other' ? fixtures('falco', 'kyverno') : fixtures(source, source === 'kyverno' ? 'kubewarden' : 'kyverno'),
  };
}
