import { defineCheck, fail, notApplicable, pass } from '../../engine/check';
import { K8sObject, annotationsOf, arr, obj, refOf, str } from '../../engine/k8s';
import { named } from './_scaling';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
/** a larger annotation is not read: it cannot be a configuration anyone reviews, and parsing it costs time */
const MAX_LAST_APPLIED = 1_000_000;

/**
 * Whether whoever applies the object writes spec.replicas, read from what a live object records about its last
 * apply: client-side apply's annotation, else the managedFields of an Apply (server-side apply or GitOps) manager.
 * Undefined when the object records neither.
 */
function appliesReplicas(o: K8sObject): { sets: boolean; via: string } | undefined {
  const last = annotationsOf(o)[LAST_APPLIED];
  if (last && last.length <= MAX_LAST_APPLIED) {
    try {
      const spec = obj(obj(JSON.parse(last))?.spec);
      if (spec) return { sets: spec.replicas !== undefined && spec.replicas !== null, via: `annotation ${LAST_APPLIED}` };
    } catch {
      // not JSON: fall through to managedFields
    }
  }
  const appliers = arr(obj(o.metadata)?.managedFields).filter(m => obj(m)?.operation === 'Apply');
  if (appliers.length === 0) return undefined;
  const owner = appliers.find(m => obj(obj(obj(m)?.fieldsV1)?.['f:spec'])?.['f:replicas'] !== undefined);
  return owner
    ? { sets: true, via: `metadata.managedFields (manager ${str(obj(owner)?.manager) ?? '?'})` }
    : { sets: false, via: 'metadata.managedFields' };
}

export default defineCheck({
  meta: {
    id: 'autoscaled-replicas-unset',
    title: 'An autoscaled workload leaves replicas to the autoscaler',
    pillar: 'scalability',
    category: 'Autoscaling',
    severity: 'high',
    rationale:
      'When a Deployment that an autoscaler scales also sets spec.replicas, every apply (each GitOps sync, each deploy) resets the count to the written number: a service scaled out under load is scaled back in at once, and the autoscaler has to win the count back.',
    remediation: {
      text: 'Remove spec.replicas from the manifest of a workload an HorizontalPodAutoscaler or ScaledObject targets; set the floor with the autoscaler\'s minReplicas instead.',
      patch: 'spec:\n  replicas: null  # delete the field; the autoscaler owns the count\n',
    },
    references: { kubeScore: ['deployment-targeted-by-hpa-does-not-have-replicas-configured'] },
    defaults:
      'Manifests: spec.replicas written in a workload that an HPA or KEDA ScaledObject in the scan targets fails. Live: the API server always fills in replicas, so the field itself says nothing; the check reads what the last apply wrote (the kubectl last-applied-configuration annotation, else managedFields of an Apply manager) and is not applicable when the object records neither. Workloads no autoscaler targets are not applicable. kube-score judges Deployments only; StatefulSets, ReplicaSets and Argo Rollouts are judged too.',
  },
  target: 'workload',
  kinds: ['Deployment', 'StatefulSet', 'ReplicaSet', 'Rollout'],
  evaluate(w, ctx) {
    const scalers = ctx.index.scalersFor(w);
    if (scalers.length === 0) return notApplicable('No autoscaler targets this workload');
    const by = scalers.map(named).join(', ');
    const evidenceOf = (value: string) => [
      { path: 'spec.replicas', value },
      ...scalers.map(s => ({ path: 'spec.scaleTargetRef', object: refOf(s) })),
    ];
    if (ctx.mode === 'live') {
      const applied = appliesReplicas(w.object);
      if (!applied) return notApplicable('The live object records no last apply, so who writes replicas is unknown');
      return applied.sets
        ? fail(`Scaled by ${by}, but every apply writes spec.replicas (${applied.via})`, evidenceOf('(written by apply)'))
        : pass(`Scaled by ${by}; applies leave spec.replicas alone (${applied.via})`);
    }
    const raw = obj(w.object.spec)?.replicas;
    if (raw === undefined || raw === null) return pass(`Scaled by ${by}; spec.replicas is left to it`);
    return fail(`Scaled by ${by}, but spec.replicas is set, so every apply resets the count`, evidenceOf(JSON.stringify(raw)));
  },
  fixtures: [
    {
      name: 'an HPA-scaled Deployment without replicas passes',
      expect: 'pass',
      upstream: ['kubeScore:deployment-targeted-by-hpa-does-not-have-replicas-configured'],
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 6`,
    },
    {
      name: 'an HPA-scaled Deployment with replicas fails',
      expect: 'fail',
      upstream: ['kubeScore:deployment-targeted-by-hpa-does-not-have-replicas-configured'],
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 6`,
    },
    {
      name: 'a KEDA ScaledObject counts as an autoscaler',
      expect: 'fail',
      yaml: `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: worker}
spec:
  replicas: 1
  serviceName: worker
  selector: {matchLabels: {app: worker}}
  template:
    metadata: {labels: {app: worker}}
    spec: {containers: [{name: w, image: w:1}]}
---
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata: {name: worker}
spec:
  scaleTargetRef: {kind: StatefulSet, name: worker}
  maxReplicaCount: 10`,
    },
    {
      name: 'a Deployment no autoscaler targets is not applicable',
      expect: 'not-applicable',
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
      name: 'an HPA in another namespace does not count',
      expect: 'not-applicable',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: a}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: b}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 6`,
    },
    {
      name: 'live: the last applied configuration with replicas fails',
      expect: 'fail',
      mode: 'live',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{"apiVersion":"apps/v1","kind":"Deployment","spec":{"replicas":2}}'
spec:
  replicas: 5
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 6`,
    },
    {
      name: 'live: a server-side apply that does not own replicas passes',
      expect: 'pass',
      mode: 'live',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  managedFields:
    - {manager: argocd-controller, operation: Apply, fieldsType: FieldsV1, fieldsV1: {"f:spec": {"f:template": {}}}}
    - {manager: kube-controller-manager, operation: Update, fieldsType: FieldsV1, fieldsV1: {"f:spec": {"f:replicas": {}}}}
spec:
  replicas: 5
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 6`,
    },
    {
      name: 'live: no record of the last apply is not applicable',
      expect: 'not-applicable',
      mode: 'live',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 5
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 6`,
    },
  ],
});
