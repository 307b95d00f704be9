import { defineCheck, fail, pass } from '../../engine/check';
import { parseKubernetesVersion } from '../../engine/config';
import { K8sObject, annotationsOf, arr, obj, str } from '../../engine/k8s';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const MAX_LAST_APPLIED = 1_000_000;

/**
 * The apiVersions a live object was written with. The API server returns an object at the version the collector
 * asked for, so its own apiVersion says nothing about the manifests; what the last kubectl apply sent and the
 * version each field manager used (metadata.managedFields[].apiVersion) do.
 */
function writtenVersions(o: K8sObject): { apiVersion: string; by: string }[] {
  const out: { apiVersion: string; by: string }[] = [];
  const last = annotationsOf(o)[LAST_APPLIED];
  if (last && last.length <= MAX_LAST_APPLIED) {
    try {
      const v = str(obj(JSON.parse(last))?.apiVersion);
      if (v) out.push({ apiVersion: v, by: `annotation ${LAST_APPLIED}` });
    } catch {
      // not JSON: nothing to learn from it
    }
  }
  for (const m of arr(obj(o.metadata)?.managedFields)) {
    const v = str(obj(m)?.apiVersion);
    if (v) out.push({ apiVersion: v, by: `field manager ${str(obj(m)?.manager) ?? '?'}` });
  }
  return out;
}

interface Replacement {
  /** the apiVersion to use instead */
  use: string;
  /** the Kubernetes minor (1.x) where the replacement became available */
  since: number;
  /** the minor that stopped serving the old apiVersion */
  removedIn: number;
}

/**
 * Deprecated group versions and their replacements, from the Kubernetes deprecated API migration guide
 * (kubernetes.io/docs/reference/using-api/deprecation-guide). Keys are `apiVersion kind`.
 */
const TABLE: Record<string, Replacement> = {};
const add = (from: string, kinds: string[], use: string, since: number, removedIn: number) => {
  for (const k of kinds) TABLE[`${from} ${k}`] = { use, since, removedIn };
};
add('extensions/v1beta1', ['Deployment', 'DaemonSet', 'ReplicaSet'], 'apps/v1', 9, 16);
add('extensions/v1beta1', ['NetworkPolicy'], 'networking.k8s.io/v1', 8, 16);
add('extensions/v1beta1', ['Ingress'], 'networking.k8s.io/v1', 19, 22);
add('apps/v1beta1', ['Deployment', 'StatefulSet', 'ReplicaSet', 'ControllerRevision'], 'apps/v1', 9, 16);
add('apps/v1beta2', ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ControllerRevision'], 'apps/v1', 9, 16);
add('networking.k8s.io/v1beta1', ['Ingress', 'IngressClass'], 'networking.k8s.io/v1', 19, 22);
add('rbac.authorization.k8s.io/v1beta1', ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'], 'rbac.authorization.k8s.io/v1', 8, 22);
add('scheduling.k8s.io/v1beta1', ['PriorityClass'], 'scheduling.k8s.io/v1', 14, 22);
add('coordination.k8s.io/v1beta1', ['Lease'], 'coordination.k8s.io/v1', 14, 22);
add('admissionregistration.k8s.io/v1beta1', ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'], 'admissionregistration.k8s.io/v1', 16, 22);
add('apiextensions.k8s.io/v1beta1', ['CustomResourceDefinition'], 'apiextensions.k8s.io/v1', 16, 22);
add('apiregistration.k8s.io/v1beta1', ['APIService'], 'apiregistration.k8s.io/v1', 10, 22);
add('certificates.k8s.io/v1beta1', ['CertificateSigningRequest'], 'certificates.k8s.io/v1', 19, 22);
add('storage.k8s.io/v1beta1', ['CSIDriver'], 'storage.k8s.io/v1', 19, 22);
add('storage.k8s.io/v1beta1', ['CSINode'], 'storage.k8s.io/v1', 17, 22);
add('storage.k8s.io/v1beta1', ['StorageClass', 'VolumeAttachment'], 'storage.k8s.io/v1', 13, 22);
add('storage.k8s.io/v1beta1', ['CSIStorageCapacity'], 'storage.k8s.io/v1', 24, 27);
add('batch/v1beta1', ['CronJob'], 'batch/v1', 21, 25);
add('policy/v1beta1', ['PodDisruptionBudget'], 'policy/v1', 21, 25);
add('discovery.k8s.io/v1beta1', ['EndpointSlice'], 'discovery.k8s.io/v1', 21, 25);
add('events.k8s.io/v1beta1', ['Event'], 'events.k8s.io/v1', 19, 25);
add('node.k8s.io/v1beta1', ['RuntimeClass'], 'node.k8s.io/v1', 20, 25);
add('autoscaling/v2beta1', ['HorizontalPodAutoscaler'], 'autoscaling/v2', 23, 25);
add('autoscaling/v2beta2', ['HorizontalPodAutoscaler'], 'autoscaling/v2', 23, 26);
add('flowcontrol.apiserver.k8s.io/v1beta1', ['FlowSchema', 'PriorityLevelConfiguration'], 'flowcontrol.apiserver.k8s.io/v1beta2', 23, 26);
add('flowcontrol.apiserver.k8s.io/v1beta2', ['FlowSchema', 'PriorityLevelConfiguration'], 'flowcontrol.apiserver.k8s.io/v1beta3', 26, 29);
add('flowcontrol.apiserver.k8s.io/v1beta3', ['FlowSchema', 'PriorityLevelConfiguration'], 'flowcontrol.apiserver.k8s.io/v1', 29, 32);

/** without a configured version, judge for the newest Kubernetes this table knows */
const LATEST_KNOWN_MINOR = 32;
const KINDS = [...new Set(Object.keys(TABLE).map(k => k.split(' ')[1]))];

export default defineCheck({
  meta: {
    id: 'api-version-stable',
    title: 'Uses a stable apiVersion the cluster serves',
    pillar: 'scalability',
    category: 'Configuration',
    severity: 'medium',
    rationale:
      'A deprecated apiVersion is removed in a later Kubernetes release: manifests that still use it stop applying after the upgrade, which blocks deploys (and rollbacks) exactly when the cluster changes.',
    remediation: {
      text: 'Move the object to the replacement apiVersion (kubectl convert, or pluto, shows the field changes), and re-apply it.',
      patch: 'apiVersion: apps/v1\n',
    },
    references: { kubeScore: ['stable-version'] },
    defaults:
      'The cluster\'s Kubernetes version is the live cluster\'s own (GET /version, in the backend), else the engine config (kubernetesVersion; the CLI flag --kubernetes-version). An apiVersion fails when its replacement is available in that version (as kube-score judges), and the message says whether the version still serves it. Without a version the newest release this table knows (1.32) is assumed. Objects of a listed kind at a current apiVersion pass. Live objects come back at whatever version the collector asks for, so the version they were written with is read from the kubectl last-applied-configuration annotation and managedFields[].apiVersion.',
  },
  target: 'object',
  kinds: KINDS,
  evaluate(o, ctx) {
    const configured = parseKubernetesVersion(ctx.config.kubernetesVersion);
    let minor = LATEST_KNOWN_MINOR;
    // a major version above 1 is newer than every minor in the table
    if (configured) minor = configured.major === 1 ? configured.minor : Infinity;
    const version = configured ? `Kubernetes ${configured.major}.${configured.minor}` : `Kubernetes 1.${LATEST_KNOWN_MINOR} (assumed)`;
    let apiVersion = typeof o.apiVersion === 'string' ? o.apiVersion : '';
    let path = 'apiVersion';
    let via = '';
    if (ctx.mode === 'live') {
      const deprecated = writtenVersions(o).find(w => TABLE[`${w.apiVersion} ${o.kind}`]);
      if (!deprecated) return pass(`${o.kind} is written with current apiVersions`);
      apiVersion = deprecated.apiVersion;
      path = deprecated.by.startsWith('annotation') ? `metadata.annotations["${LAST_APPLIED}"]` : 'metadata.managedFields';
      via = ` (written by ${deprecated.by})`;
    }
    const r = TABLE[`${apiVersion} ${o.kind}`];
    if (!r) return pass(`${apiVersion} is current for ${o.kind}`);
    if (minor < r.since)
      return pass(`${apiVersion} is deprecated, but its replacement ${r.use} arrives only in 1.${r.since}, after ${version}`);
    const served =
      minor >= r.removedIn
        ? `${version} no longer serves it (removed in 1.${r.removedIn}), so it cannot be applied`
        : `it is removed in 1.${r.removedIn}`;
    return fail(`${o.kind} uses the deprecated ${apiVersion}${via}; use ${r.use} (available since 1.${r.since}); ${served}`, [
      { path, value: apiVersion, detail: `use ${r.use}` },
    ]);
  },
  fixtures: [
    {
      name: 'apps/v1 passes (kube-score stable-version: pass)',
      expect: 'pass',
      upstream: ['kubeScore:stable-version'],
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
      name: 'extensions/v1beta1 Deployment fails (kube-score stable-version: fail)',
      expect: 'fail',
      upstream: ['kubeScore:stable-version'],
      yaml: `apiVersion: extensions/v1beta1
kind: Deployment
metadata: {name: web}
spec:
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}`,
    },
    {
      name: 'batch/v1beta1 CronJob on 1.20 passes: batch/v1 arrives in 1.21',
      expect: 'pass',
      config: { kubernetesVersion: '1.20' },
      yaml: `apiVersion: batch/v1beta1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "0 3 * * *"
  jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: a, image: a:1}]}}}}`,
    },
    {
      name: 'batch/v1beta1 CronJob on v1.24.3 fails',
      expect: 'fail',
      config: { kubernetesVersion: 'v1.24.3' },
      yaml: `apiVersion: batch/v1beta1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "0 3 * * *"
  jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: a, image: a:1}]}}}}`,
    },
    {
      name: 'autoscaling/v2beta2 without a version fails (newest release assumed)',
      expect: 'fail',
      yaml: `apiVersion: autoscaling/v2beta2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 4`,
    },
    {
      name: 'live: a CronJob last applied as batch/v1beta1 fails',
      expect: 'fail',
      mode: 'live',
      config: { kubernetesVersion: '1.24' },
      yaml: `apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
  managedFields:
    - {manager: kubectl-client-side-apply, operation: Update, apiVersion: batch/v1beta1, fieldsType: FieldsV1, fieldsV1: {}}
spec:
  schedule: "0 3 * * *"
  jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: a, image: a:1}]}}}}`,
    },
    {
      name: 'live: an object written only with current versions passes',
      expect: 'pass',
      mode: 'live',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{"apiVersion":"apps/v1","kind":"Deployment"}'
  managedFields:
    - {manager: kubectl, operation: Apply, apiVersion: apps/v1, fieldsType: FieldsV1, fieldsV1: {}}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}`,
    },
    {
      name: 'policy/v1 PodDisruptionBudget passes',
      expect: 'pass',
      yaml: `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web}
spec:
  maxUnavailable: 1
  selector: {matchLabels: {app: web}}`,
    },
  ],
});
