import { Evidence } from '@posture-dev/backstage-plugin-posture-common';
import { defineCheck, fail, notApplicable, pass } from '../../engine/check';
import { arr, obj, str } from '../../engine/k8s';
import { parseLabelSelector } from '../../engine/selectors';

const WHEN = new Set(['DoNotSchedule', 'ScheduleAnyway']);
const POLICIES = new Set(['Honor', 'Ignore']);
const isPositiveInt = (v: unknown) =>
  typeof v === 'number' && Number.isInteger(v) && v >= 1;

export default defineCheck({
  meta: {
    id: 'topology-spread-valid',
    title: 'Topology spread constraints are valid',
    pillar: 'scalability',
    category: 'Availability',
    severity: 'medium',
    rationale:
      'The API server rejects a pod template with an invalid topology spread constraint, so the rollout fails; a constraint without a labelSelector, or with one that cannot be parsed, counts no pods and spreads nothing.',
    remediation: {
      text: 'Give every constraint an integer maxSkew of at least 1, a non-empty topologyKey, whenUnsatisfiable DoNotSchedule or ScheduleAnyway, and a valid labelSelector.',
      patch:
        'spec:\n  template:\n    spec:\n      topologySpreadConstraints:\n        - maxSkew: 1\n          topologyKey: kubernetes.io/hostname\n          whenUnsatisfiable: ScheduleAnyway\n          labelSelector:\n            matchLabels:\n              app: <name>\n',
    },
    references: { kubeScore: ['pod-topology-spread-constraints'] },
    defaults:
      'maxSkew, topologyKey and whenUnsatisfiable are required and have no default. labelSelector has no default and a constraint without one counts no pods, so it fails (as in kube-score). nodeAffinityPolicy and nodeTaintsPolicy default to Honor and Ignore when left out. Not applicable without constraints.',
  },
  target: 'workload',
  evaluate(w) {
    const raw = w.podSpec.topologySpreadConstraints;
    const path = `${w.podSpecPath}.topologySpreadConstraints`;
    if (raw === undefined || raw === null)
      return notApplicable('No topology spread constraints');
    if (!Array.isArray(raw))
      return fail('topologySpreadConstraints must be a list', [
        { path, value: JSON.stringify(raw) },
      ]);
    if (raw.length === 0)
      return notApplicable('No topology spread constraints');

    const problems: string[] = [];
    const evidence: Evidence[] = [];
    const seen = new Set<string>();
    raw.forEach((t, i) => {
      const p = `${path}[${i}]`;
      const bad = (field: string, value: unknown, why: string) => {
        problems.push(`[${i}] ${why}`);
        evidence.push({
          path: field ? `${p}.${field}` : p,
          value: value === undefined ? '(unset)' : JSON.stringify(value),
        });
      };
      const tsc = obj(t);
      if (!tsc) {
        bad('', t, 'must be a map');
        return;
      }
      if (!isPositiveInt(tsc.maxSkew))
        bad('maxSkew', tsc.maxSkew, 'maxSkew must be an integer of at least 1');
      const key = str(tsc.topologyKey);
      if (!key || key.trim() === '')
        bad(
          'topologyKey',
          tsc.topologyKey,
          'topologyKey must be a non-empty string',
        );
      const when = str(tsc.whenUnsatisfiable);
      if (!when || !WHEN.has(when))
        bad(
          'whenUnsatisfiable',
          tsc.whenUnsatisfiable,
          'whenUnsatisfiable must be DoNotSchedule or ScheduleAnyway',
        );
      if (tsc.minDomains !== undefined && tsc.minDomains !== null) {
        if (!isPositiveInt(tsc.minDomains))
          bad(
            'minDomains',
            tsc.minDomains,
            'minDomains must be an integer of at least 1',
          );
        else if (when !== 'DoNotSchedule')
          bad(
            'minDomains',
            tsc.minDomains,
            'minDomains is only allowed with whenUnsatisfiable DoNotSchedule',
          );
      }
      for (const f of ['nodeAffinityPolicy', 'nodeTaintsPolicy']) {
        const v = tsc[f];
        if (v !== undefined && v !== null && !POLICIES.has(v))
          bad(f, v, `${f} must be Honor or Ignore`);
      }
      // without a labelSelector the scheduler counts no pods in any domain, so the constraint spreads nothing
      if (tsc.labelSelector === undefined || tsc.labelSelector === null)
        bad('labelSelector', undefined, 'labelSelector is missing, so no pods are counted and nothing is spread');
      try {
        const sel = parseLabelSelector(tsc.labelSelector);
        const keys = arr(tsc.matchLabelKeys);
        if (keys.some(k => typeof k !== 'string' || k === ''))
          bad(
            'matchLabelKeys',
            keys,
            'matchLabelKeys must be non-empty strings',
          );
        if (keys.length > 0 && !sel)
          bad('matchLabelKeys', keys, 'matchLabelKeys needs a labelSelector');
        const overlap = keys.filter(k =>
          sel?.requirements.some(r => r.key === k),
        );
        if (overlap.length > 0)
          bad(
            'matchLabelKeys',
            overlap,
            `matchLabelKeys ${overlap.join(', ')} also appear in labelSelector`,
          );
      } catch (e) {
        bad(
          'labelSelector',
          tsc.labelSelector,
          `labelSelector is invalid: ${(e as Error).message}`,
        );
      }
      if (key && when) {
        // the API server rejects two constraints with the same key and action
        const pair = `${key}|${when}`;
        if (seen.has(pair))
          bad(
            '',
            `${key}/${when}`,
            `duplicates another constraint on ${key} with ${when}`,
          );
        seen.add(pair);
      }
    });
    if (problems.length > 0)
      return fail(
        `Invalid topology spread constraints: ${problems.join('; ')}`,
        evidence,
      );
    return pass(`${raw.length} valid topology spread constraint(s)`);
  },
  fixtures: [
    {
      name: 'a valid constraint passes',
      expect: 'pass',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      topologySpreadConstraints:
        - {maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule, minDomains: 2, labelSelector: {matchLabels: {app: web}}, matchLabelKeys: [pod-template-hash]}
        - {maxSkew: 2, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: web}}, nodeTaintsPolicy: Honor}
      containers: [{name: web, image: nginx:1.27}]`,
    },
    {
      name: 'a constraint without labelSelector fails (kube-score pod-topology-spread-constraints: fail)',
      expect: 'fail',
      upstream: ['kubeScore:pod-topology-spread-constraints'],
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      topologySpreadConstraints:
        - {maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule}
      containers: [{name: web, image: nginx:1.27}]`,
    },
    {
      name: 'a complete constraint passes (kube-score pod-topology-spread-constraints: pass)',
      expect: 'pass',
      upstream: ['kubeScore:pod-topology-spread-constraints'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, labels: {app: p}}
spec:
  topologySpreadConstraints: [{maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: p}}}]
  containers: [{name: a, image: x:1}]`,
    },
    {
      name: 'maxSkew 0 fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  topologySpreadConstraints: [{maxSkew: 0, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule}]
  containers: [{name: a, image: x:1}]`,
    },
    {
      name: 'a fractional or string maxSkew fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  topologySpreadConstraints:
    - {maxSkew: 1.5, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule}
    - {maxSkew: "1", topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule}
  containers: [{name: a, image: x:1}]`,
    },
    {
      name: 'an unknown whenUnsatisfiable fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  topologySpreadConstraints: [{maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: Sometimes}]
  containers: [{name: a, image: x:1}]`,
    },
    {
      name: 'an empty topologyKey fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  topologySpreadConstraints: [{maxSkew: 1, topologyKey: "", whenUnsatisfiable: ScheduleAnyway}]
  containers: [{name: a, image: x:1}]`,
    },
    {
      name: 'an unparsable labelSelector fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  topologySpreadConstraints:
    - maxSkew: 1
      topologyKey: kubernetes.io/hostname
      whenUnsatisfiable: ScheduleAnyway
      labelSelector: {matchExpressions: [{key: app, operator: In}]}
  containers: [{name: a, image: x:1}]`,
    },
    {
      name: 'minDomains with ScheduleAnyway fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  topologySpreadConstraints: [{maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway, minDomains: 3}]
  containers: [{name: a, image: x:1}]`,
    },
    {
      name: 'duplicate key and action fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  topologySpreadConstraints:
    - {maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway}
    - {maxSkew: 2, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway}
  containers: [{name: a, image: x:1}]`,
    },
    {
      name: 'a non-list fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  topologySpreadConstraints: {maxSkew: 1}
  containers: [{name: a, image: x:1}]`,
    },
    {
      name: 'no constraints is not applicable',
      expect: 'not-applicable',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: x:1}]`,
    },
  ],
});
