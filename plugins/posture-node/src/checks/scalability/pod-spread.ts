import { Evidence } from '@posture-dev/backstage-plugin-posture-common';
import { defineCheck, fail, notApplicable, pass } from '../../engine/check';
import { arr, obj, str } from '../../engine/k8s';
import {
  matches,
  parseLabelSelector,
  selectorToString,
} from '../../engine/selectors';
import { Workload } from '../../engine/workloads';
import { replicaBounds } from './_scaling';

/** Topology keys that put replicas on different nodes, zones or regions. */
const SPREAD_KEYS = new Set([
  'kubernetes.io/hostname',
  'topology.kubernetes.io/zone',
  'topology.kubernetes.io/region',
  // deprecated spellings still set by some providers
  'failure-domain.beta.kubernetes.io/zone',
  'failure-domain.beta.kubernetes.io/region',
]);

interface Candidate {
  path: string;
  what: string;
  /** undefined when it spreads the workload's own pods */
  rejected?: string;
}

/** Does a term/constraint spread this workload's own pods over a known topology? */
function judge(
  w: Workload,
  term: Record<string, any>,
  what: string,
  path: string,
): Candidate {
  const key = str(term.topologyKey);
  if (!key) return { path, what, rejected: 'has no topologyKey' };
  if (!SPREAD_KEYS.has(key))
    return {
      path,
      what,
      rejected: `topologyKey ${key} is not a node, zone or region label`,
    };
  let sel;
  try {
    sel = parseLabelSelector(term.labelSelector);
  } catch (e) {
    return {
      path,
      what,
      rejected: `labelSelector is invalid: ${(e as Error).message}`,
    };
  }
  if (!sel)
    return {
      path,
      what,
      rejected: 'has no labelSelector, so it counts no pods',
    };
  if (!matches(sel, w.podLabels)) {
    return {
      path,
      what,
      rejected: `labelSelector ${
        selectorToString(sel) || '{}'
      } does not match the pod labels`,
    };
  }
  const namespaces = arr(term.namespaces).filter(n => typeof n === 'string');
  if (
    namespaces.length > 0 &&
    !namespaces.includes(w.namespace) &&
    term.namespaceSelector === undefined
  ) {
    return {
      path,
      what,
      rejected: `namespaces ${namespaces.join(', ')} do not include ${
        w.namespace
      }`,
    };
  }
  return { path, what: `${what} on ${key}` };
}

export default defineCheck({
  meta: {
    id: 'pod-spread',
    title: 'Replicas are spread across nodes or zones',
    pillar: 'scalability',
    category: 'Availability',
    severity: 'medium',
    rationale:
      'The scheduler may put every replica on one node or in one zone; losing that node or zone then takes all replicas at once. Pod anti-affinity or topology spread constraints keep them apart.',
    remediation: {
      text: 'Add a topologySpreadConstraint (or podAntiAffinity) on kubernetes.io/hostname or topology.kubernetes.io/zone whose labelSelector matches the pod labels.',
      patch:
        'spec:\n  template:\n    spec:\n      topologySpreadConstraints:\n        - maxSkew: 1\n          topologyKey: topology.kubernetes.io/zone\n          whenUnsatisfiable: ScheduleAnyway\n          labelSelector:\n            matchLabels:\n              app: <name>\n',
    },
    references: {
      polaris: ['topologySpreadConstraint'],
      kubeScore: [
        'deployment-has-host-podantiaffinity',
        'statefulset-has-host-podantiaffinity',
      ],
    },
    defaults:
      'The API server adds no spreading rule (the default scheduler spreading is best-effort scoring only), so an omitted one fails. Not applicable below 2 replicas (spec.replicas defaults to 1; an autoscaler maximum counts) and for DaemonSets. Required and preferred anti-affinity and DoNotSchedule and ScheduleAnyway constraints all count.',
  },
  target: 'workload',
  kinds: [
    'Deployment',
    'StatefulSet',
    'ReplicaSet',
    'ReplicationController',
    'Rollout',
    'DaemonSet',
  ],
  evaluate(w, ctx) {
    if (w.kind === 'DaemonSet')
      return notApplicable('A DaemonSet runs one pod per node');
    const bounds = replicaBounds(w, ctx);
    if (bounds.max < 2)
      return notApplicable(`Runs at most ${bounds.max} replica`);

    const candidates: Candidate[] = [];
    const tscPath = `${w.podSpecPath}.topologySpreadConstraints`;
    arr(w.podSpec.topologySpreadConstraints).forEach((t, i) => {
      const tsc = obj(t);
      if (tsc)
        candidates.push(
          judge(w, tsc, 'topologySpreadConstraint', `${tscPath}[${i}]`),
        );
    });
    const antiPath = `${w.podSpecPath}.affinity.podAntiAffinity`;
    const anti = obj(obj(w.podSpec.affinity)?.podAntiAffinity);
    arr(anti?.requiredDuringSchedulingIgnoredDuringExecution).forEach(
      (t, i) => {
        const term = obj(t);
        if (term)
          candidates.push(
            judge(
              w,
              term,
              'required podAntiAffinity',
              `${antiPath}.requiredDuringSchedulingIgnoredDuringExecution[${i}]`,
            ),
          );
      },
    );
    arr(anti?.preferredDuringSchedulingIgnoredDuringExecution).forEach(
      (t, i) => {
        const term = obj(obj(t)?.podAffinityTerm);
        if (term) {
          candidates.push(
            judge(
              w,
              term,
              'preferred podAntiAffinity',
              `${antiPath}.preferredDuringSchedulingIgnoredDuringExecution[${i}].podAffinityTerm`,
            ),
          );
        }
      },
    );

    const good = candidates.filter(c => !c.rejected);
    if (good.length > 0) {
      return pass(
        `Spread by ${good.map(c => c.what).join(', ')}`,
        good.map(c => ({ path: c.path })),
      );
    }
    if (candidates.length === 0) {
      const raw = w.podSpec.topologySpreadConstraints;
      if (raw !== undefined && raw !== null && !Array.isArray(raw)) {
        return fail('topologySpreadConstraints must be a list', [
          { path: tscPath, value: JSON.stringify(raw) },
        ]);
      }
      return fail(
        'No topologySpreadConstraints or podAntiAffinity spread the replicas',
        [
          {
            path: tscPath,
            value:
              raw === undefined || raw === null
                ? '(unset)'
                : JSON.stringify(raw),
          },
        ],
      );
    }
    const evidence: Evidence[] = candidates.map(c => ({
      path: c.path,
      detail: c.rejected,
    }));
    return fail(
      `No rule spreads these pods: ${candidates
        .map(c => `${c.what} ${c.rejected}`)
        .join('; ')}`,
      evidence,
    );
  },
  fixtures: [
    {
      name: 'a zone spread constraint matching the pods passes',
      expect: 'pass',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      topologySpreadConstraints:
        - {maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: web}}}
      containers: [{name: web, image: nginx:1.27}]`,
    },
    {
      name: 'preferred host anti-affinity passes',
      expect: 'pass',
      yaml: `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  replicas: 3
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 100
              podAffinityTerm:
                topologyKey: kubernetes.io/hostname
                labelSelector:
                  matchExpressions: [{key: app, operator: In, values: [db]}]
      containers: [{name: db, image: postgres:16}]`,
    },
    {
      name: 'no spreading rule fails',
      expect: 'fail',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}`,
    },
    {
      name: 'an empty constraint list fails',
      expect: 'fail',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      topologySpreadConstraints: []
      containers: [{name: web, image: nginx:1.27}]`,
    },
    {
      name: 'a constraint whose selector does not match the pods fails',
      expect: 'fail',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: demo}
spec:
  replicas: 2
  selector: {matchLabels: {app.kubernetes.io/name: basic-demo}}
  template:
    metadata: {labels: {app.kubernetes.io/name: basic-demo}}
    spec:
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: kubernetes.io/hostname
          whenUnsatisfiable: DoNotSchedule
          labelSelector: {matchLabels: {app: foo}}
          matchLabelKeys: [pod-template-hash]
      containers: [{name: demo, image: demo:1.0}]`,
    },
    {
      name: 'a constraint on another topology key fails',
      expect: 'fail',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      topologySpreadConstraints:
        - {maxSkew: 1, topologyKey: node.kubernetes.io/instance-type, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: web}}}
      containers: [{name: web, image: nginx:1.27}]`,
    },
    {
      name: 'anti-affinity limited to other namespaces fails',
      expect: 'fail',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            - {topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app: web}}, namespaces: [other]}
      containers: [{name: web, image: nginx:1.27}]`,
    },
    {
      name: 'a single replica is not applicable',
      expect: 'not-applicable',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}`,
    },
    {
      name: 'a DaemonSet is not applicable',
      expect: 'not-applicable',
      yaml: `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec: {containers: [{name: a, image: agent:1.0}]}`,
    },
    {
      name: 'constraints of the wrong type fail',
      expect: 'fail',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      topologySpreadConstraints: zone
      containers: [{name: web, image: nginx:1.27}]`,
    },
    {
      name: 'a hostname spread constraint matching the pods passes (Polaris topologySpreadConstraint: pass)',
      expect: 'pass',
      upstream: ['polaris:topologySpreadConstraint'],
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      topologySpreadConstraints:
        - {maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: web}}}
      containers: [{name: web, image: nginx:1.27}]`,
    },
    {
      name: 'a Deployment with host anti-affinity passes (kube-score deployment-has-host-podantiaffinity: pass)',
      expect: 'pass',
      upstream: ['kubeScore:deployment-has-host-podantiaffinity'],
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 100
              podAffinityTerm: {topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app: web}}}
      containers: [{name: web, image: nginx:1.27}]`,
    },
    {
      name: 'a Deployment of 3 with no spreading rule fails (upstream: fail)',
      expect: 'fail',
      upstream: ['kubeScore:deployment-has-host-podantiaffinity', 'polaris:topologySpreadConstraint'],
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}`,
    },
    {
      name: 'a StatefulSet with required host anti-affinity passes (kube-score statefulset-has-host-podantiaffinity: pass)',
      expect: 'pass',
      upstream: ['kubeScore:statefulset-has-host-podantiaffinity'],
      yaml: `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  replicas: 3
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            - {topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app: db}}}
      containers: [{name: db, image: postgres:16}]`,
    },
    {
      name: 'a StatefulSet of 3 with no spreading rule fails (kube-score statefulset-has-host-podantiaffinity: fail)',
      expect: 'fail',
      upstream: ['kubeScore:statefulset-has-host-podantiaffinity'],
      yaml: `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  replicas: 3
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: postgres:16}]}`,
    },
  ],
});
