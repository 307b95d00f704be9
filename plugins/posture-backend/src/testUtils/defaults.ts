/**
 * The defaults a real API server writes into objects on admission, so that
 * objects served by the test server look like live objects, not manifests.
 *
 * Sources: the defaulting functions of k8s.io/kubernetes pkg/apis/<group>/<v>/
 * defaults.go plus the admission plugins that run by default
 * (ServiceAccount, DefaultTolerationSeconds, Priority).
 *
 * Input is untrusted test data: a field of the wrong type is left alone
 * rather than "fixed", so tests can feed odd shapes through to clients.
 */

type Obj = Record<string, any>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function setIfAbsent(o: Obj, key: string, value: unknown): void {
  if (o[key] === undefined || o[key] === null) o[key] = value;
}

/** Returns the object at o[key], creating it when absent; undefined if o[key] has the wrong type. */
function child(o: Obj, key: string): Obj | undefined {
  if (o[key] === undefined || o[key] === null) o[key] = {};
  return isObj(o[key]) ? o[key] : undefined;
}

function objects(v: unknown): Obj[] {
  return Array.isArray(v) ? v.filter(isObj) : [];
}

function groupOf(apiVersion: unknown): string {
  if (typeof apiVersion !== 'string') return '';
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/**
 * `Always` for `:latest` or an untagged image, `IfNotPresent` otherwise
 * (a digest pins the image, so it counts as tagged).
 */
export function defaultImagePullPolicy(image: unknown): string | undefined {
  if (typeof image !== 'string' || image === '') return undefined;
  if (image.includes('@')) return 'IfNotPresent';
  const lastSlash = image.lastIndexOf('/');
  const lastColon = image.lastIndexOf(':');
  // a colon before the last slash belongs to a registry host:port
  const tag = lastColon > lastSlash ? image.slice(lastColon + 1) : '';
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultProbe(probe: unknown): void {
  if (!isObj(probe)) return;
  setIfAbsent(probe, 'timeoutSeconds', 1);
  setIfAbsent(probe, 'periodSeconds', 10);
  setIfAbsent(probe, 'successThreshold', 1);
  setIfAbsent(probe, 'failureThreshold', 3);
  if (isObj(probe.httpGet)) setIfAbsent(probe.httpGet, 'scheme', 'HTTP');
}

function defaultContainer(c: Obj): void {
  const policy = defaultImagePullPolicy(c.image);
  if (policy) setIfAbsent(c, 'imagePullPolicy', policy);
  setIfAbsent(c, 'terminationMessagePath', '/dev/termination-log');
  setIfAbsent(c, 'terminationMessagePolicy', 'File');
  setIfAbsent(c, 'resources', {});
  for (const p of objects(c.ports)) setIfAbsent(p, 'protocol', 'TCP');
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
}

export interface PodSpecDefaultingOptions {
  /**
   * A bare Pod (not a template) also passes the admission plugins: the
   * ServiceAccount plugin names `default`, Priority sets 0 and
   * DefaultTolerationSeconds adds the not-ready/unreachable tolerations.
   * Templates inside workloads get none of that.
   */
  isPod?: boolean;
  /**
   * Job templates have no restartPolicy default: the API server defaults to
   * Always and then rejects it, so a Job without one never exists live.
   */
  isJobTemplate?: boolean;
}

export function defaultPodSpec(
  spec: unknown,
  opts: PodSpecDefaultingOptions = {},
): void {
  if (!isObj(spec)) return;
  if (!opts.isJobTemplate) setIfAbsent(spec, 'restartPolicy', 'Always');
  setIfAbsent(spec, 'dnsPolicy', 'ClusterFirst');
  setIfAbsent(spec, 'schedulerName', 'default-scheduler');
  setIfAbsent(spec, 'terminationGracePeriodSeconds', 30);
  setIfAbsent(spec, 'securityContext', {});
  setIfAbsent(spec, 'enableServiceLinks', true);

  // serviceAccount is the deprecated alias; the server keeps both in step
  const sa = spec.serviceAccountName ?? spec.serviceAccount;
  if (typeof sa === 'string' && sa !== '') {
    setIfAbsent(spec, 'serviceAccountName', sa);
    setIfAbsent(spec, 'serviceAccount', sa);
  } else if (opts.isPod) {
    spec.serviceAccountName = 'default';
    spec.serviceAccount = 'default';
  }

  for (const c of objects(spec.containers)) defaultContainer(c);
  for (const c of objects(spec.initContainers)) defaultContainer(c);
  for (const c of objects(spec.ephemeralContainers)) defaultContainer(c);

  for (const v of objects(spec.volumes)) {
    for (const source of ['secret', 'configMap', 'downwardAPI', 'projected']) {
      if (isObj(v[source])) setIfAbsent(v[source], 'defaultMode', 420);
    }
  }

  if (opts.isPod) {
    setIfAbsent(spec, 'priority', 0);
    setIfAbsent(spec, 'preemptionPolicy', 'PreemptLowerPriority');
    if (spec.tolerations === undefined) {
      spec.tolerations = ['not-ready', 'unreachable'].map(reason => ({
        key: `node.kubernetes.io/${reason}`,
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 300,
      }));
    }
  }
}

function defaultTemplate(
  template: unknown,
  opts: PodSpecDefaultingOptions = {},
): void {
  if (!isObj(template)) return;
  defaultPodSpec(template.spec, opts);
}

function defaultDeployment(spec: Obj): void {
  setIfAbsent(spec, 'replicas', 1);
  const strategy = child(spec, 'strategy');
  if (strategy) {
    setIfAbsent(strategy, 'type', 'RollingUpdate');
    if (strategy.type === 'RollingUpdate') {
      const ru = child(strategy, 'rollingUpdate');
      if (ru) {
        setIfAbsent(ru, 'maxUnavailable', '25%');
        setIfAbsent(ru, 'maxSurge', '25%');
      }
    }
  }
  setIfAbsent(spec, 'revisionHistoryLimit', 10);
  setIfAbsent(spec, 'progressDeadlineSeconds', 600);
  defaultTemplate(spec.template);
}

function defaultStatefulSet(spec: Obj): void {
  setIfAbsent(spec, 'replicas', 1);
  setIfAbsent(spec, 'podManagementPolicy', 'OrderedReady');
  const strategy = child(spec, 'updateStrategy');
  if (strategy) {
    setIfAbsent(strategy, 'type', 'RollingUpdate');
    if (strategy.type === 'RollingUpdate') {
      const ru = child(strategy, 'rollingUpdate');
      if (ru) setIfAbsent(ru, 'partition', 0);
    }
  }
  setIfAbsent(spec, 'revisionHistoryLimit', 10);
  const retention = child(spec, 'persistentVolumeClaimRetentionPolicy');
  if (retention) {
    setIfAbsent(retention, 'whenDeleted', 'Retain');
    setIfAbsent(retention, 'whenScaled', 'Retain');
  }
  for (const pvc of objects(spec.volumeClaimTemplates)) {
    if (isObj(pvc.spec)) setIfAbsent(pvc.spec, 'volumeMode', 'Filesystem');
  }
  defaultTemplate(spec.template);
}

function defaultDaemonSet(spec: Obj): void {
  const strategy = child(spec, 'updateStrategy');
  if (strategy) {
    setIfAbsent(strategy, 'type', 'RollingUpdate');
    if (strategy.type === 'RollingUpdate') {
      const ru = child(strategy, 'rollingUpdate');
      if (ru) {
        setIfAbsent(ru, 'maxUnavailable', 1);
        setIfAbsent(ru, 'maxSurge', 0);
      }
    }
  }
  setIfAbsent(spec, 'revisionHistoryLimit', 10);
  defaultTemplate(spec.template);
}

function defaultJob(spec: Obj): void {
  // completions stays unset when only parallelism is given (work-queue jobs)
  if (spec.completions === undefined && spec.parallelism === undefined) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  setIfAbsent(spec, 'parallelism', 1);
  setIfAbsent(spec, 'backoffLimit', 6);
  setIfAbsent(spec, 'completionMode', 'NonIndexed');
  setIfAbsent(spec, 'suspend', false);
  defaultTemplate(spec.template, { isJobTemplate: true });
}

function defaultCronJob(spec: Obj): void {
  setIfAbsent(spec, 'concurrencyPolicy', 'Allow');
  setIfAbsent(spec, 'suspend', false);
  setIfAbsent(spec, 'successfulJobsHistoryLimit', 3);
  setIfAbsent(spec, 'failedJobsHistoryLimit', 1);
  // SetDefaults_Job targets the Job type, not JobSpec, so only the pod template is defaulted here
  if (isObj(spec.jobTemplate) && isObj(spec.jobTemplate.spec)) {
    defaultTemplate(spec.jobTemplate.spec.template, { isJobTemplate: true });
  }
}

export interface ServiceDefaultingOptions {
  /** Allocates a cluster IP, as the service IP allocator would. */
  allocateClusterIP?: () => string;
}

function defaultService(spec: Obj, opts: ServiceDefaultingOptions): void {
  setIfAbsent(spec, 'type', 'ClusterIP');
  setIfAbsent(spec, 'sessionAffinity', 'None');
  for (const p of objects(spec.ports)) {
    setIfAbsent(p, 'protocol', 'TCP');
    if (p.targetPort === undefined && p.port !== undefined)
      p.targetPort = p.port;
  }
  if (spec.type === 'ExternalName') return;
  if (spec.clusterIP === undefined && opts.allocateClusterIP) {
    spec.clusterIP = opts.allocateClusterIP();
  }
  if (typeof spec.clusterIP === 'string')
    setIfAbsent(spec, 'clusterIPs', [spec.clusterIP]);
  setIfAbsent(spec, 'ipFamilies', ['IPv4']);
  setIfAbsent(spec, 'ipFamilyPolicy', 'SingleStack');
  setIfAbsent(spec, 'internalTrafficPolicy', 'Cluster');
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
    setIfAbsent(spec, 'externalTrafficPolicy', 'Cluster');
  }
}

function hpaScalingRules(rules: unknown, defaults: Obj): unknown {
  if (rules === undefined || rules === null) return structuredClone(defaults);
  if (!isObj(rules)) return rules;
  for (const [k, v] of Object.entries(defaults))
    setIfAbsent(rules, k, structuredClone(v));
  return rules;
}

function defaultHpaV2(spec: Obj): void {
  setIfAbsent(spec, 'minReplicas', 1);
  if (
    spec.metrics === undefined ||
    (Array.isArray(spec.metrics) && spec.metrics.length === 0)
  ) {
    spec.metrics = [
      {
        type: 'Resource',
        resource: {
          name: 'cpu',
          target: { type: 'Utilization', averageUtilization: 80 },
        },
      },
    ];
  }
  // behavior is only completed when present; absent means "controller defaults"
  if (isObj(spec.behavior)) {
    spec.behavior.scaleUp = hpaScalingRules(spec.behavior.scaleUp, {
      stabilizationWindowSeconds: 0,
      selectPolicy: 'Max',
      policies: [
        { type: 'Pods', value: 4, periodSeconds: 15 },
        { type: 'Percent', value: 100, periodSeconds: 15 },
      ],
    });
    // scale-down stabilization stays unset: it comes from a controller-manager flag
    spec.behavior.scaleDown = hpaScalingRules(spec.behavior.scaleDown, {
      selectPolicy: 'Max',
      policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
    });
  }
}

function defaultNetworkPolicy(spec: Obj): void {
  if (spec.policyTypes === undefined) {
    spec.policyTypes =
      Array.isArray(spec.egress) && spec.egress.length > 0
        ? ['Ingress', 'Egress']
        : ['Ingress'];
  }
  for (const rule of [...objects(spec.ingress), ...objects(spec.egress)]) {
    for (const p of objects(rule.ports)) setIfAbsent(p, 'protocol', 'TCP');
  }
}

function defaultBindingSubjects(o: Obj): void {
  for (const s of objects(o.subjects)) {
    if (s.apiGroup !== undefined) continue;
    if (s.kind === 'ServiceAccount') s.apiGroup = '';
    else if (s.kind === 'User' || s.kind === 'Group')
      s.apiGroup = 'rbac.authorization.k8s.io';
  }
}

/** Kinds whose registry maintains metadata.generation. */
const GENERATION_KINDS = new Set([
  '|Pod',
  'apps|Deployment',
  'apps|StatefulSet',
  'apps|DaemonSet',
  'apps|ReplicaSet',
  'batch|Job',
  'batch|CronJob',
  'networking.k8s.io|Ingress',
  'networking.k8s.io|NetworkPolicy',
  'autoscaling|HorizontalPodAutoscaler',
  'policy|PodDisruptionBudget',
]);

const BUILTIN_GROUPS = new Set([
  '',
  'apps',
  'batch',
  'networking.k8s.io',
  'autoscaling',
  'policy',
  'rbac.authorization.k8s.io',
]);

export function tracksGeneration(apiVersion: unknown, kind: unknown): boolean {
  const group = groupOf(apiVersion);
  // custom resources always get a generation from the apiextensions server
  if (!BUILTIN_GROUPS.has(group)) return true;
  return GENERATION_KINDS.has(`${group}|${String(kind)}`);
}

/** Defaults the spec (and for a few kinds, status and labels) in place. */
export function applySpecDefaults(
  o: Obj,
  opts: ServiceDefaultingOptions = {},
): void {
  const group = groupOf(o.apiVersion);
  const kind = o.kind;
  const spec = isObj(o.spec) ? o.spec : undefined;
  switch (`${group}|${kind}`) {
    case '|Pod':
      defaultPodSpec(spec, { isPod: true });
      break;
    case 'apps|Deployment':
      if (spec) defaultDeployment(spec);
      break;
    case 'apps|StatefulSet':
      if (spec) defaultStatefulSet(spec);
      break;
    case 'apps|DaemonSet':
      if (spec) defaultDaemonSet(spec);
      break;
    case 'apps|ReplicaSet':
      if (spec) {
        setIfAbsent(spec, 'replicas', 1);
        defaultTemplate(spec.template);
      }
      break;
    case 'batch|Job':
      if (spec) defaultJob(spec);
      break;
    case 'batch|CronJob':
      if (spec) defaultCronJob(spec);
      break;
    case '|Service':
      if (spec) defaultService(spec, opts);
      break;
    case 'autoscaling|HorizontalPodAutoscaler':
      if (spec && o.apiVersion === 'autoscaling/v2') defaultHpaV2(spec);
      break;
    case 'networking.k8s.io|NetworkPolicy':
      if (spec) defaultNetworkPolicy(spec);
      break;
    case '|PersistentVolumeClaim':
      if (spec) setIfAbsent(spec, 'volumeMode', 'Filesystem');
      break;
    case '|Secret':
      setIfAbsent(o, 'type', 'Opaque');
      break;
    case '|Namespace': {
      const nsSpec = child(o, 'spec');
      if (nsSpec) setIfAbsent(nsSpec, 'finalizers', ['kubernetes']);
      const status = child(o, 'status');
      if (status) setIfAbsent(status, 'phase', 'Active');
      const meta = isObj(o.metadata) ? o.metadata : undefined;
      const labels = meta ? child(meta, 'labels') : undefined;
      // the NamespaceDefaultLabelName feature: lets selectors match a namespace by name
      if (labels && typeof meta?.name === 'string') {
        labels['kubernetes.io/metadata.name'] = meta.name;
      }
      break;
    }
    case 'rbac.authorization.k8s.io|RoleBinding':
    case 'rbac.authorization.k8s.io|ClusterRoleBinding':
      defaultBindingSubjects(o);
      break;
    default:
      // ServiceAccount, ConfigMap, ResourceQuota, LimitRange, Ingress, PDB, Roles and custom resources: none
      break;
  }
}

export interface MetadataDefaultingContext {
  namespaced: boolean;
  resourceVersion: string;
  now: Date;
  newUid: () => string;
  /** Suffix for generateName. */
  randomSuffix: () => string;
}

/** Kubernetes timestamps are RFC 3339 in UTC with whole seconds. */
export function k8sTimestamp(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

/**
 * Fills the metadata the server owns. uid and creationTimestamp from the
 * input are kept (captured cluster dumps carry them); resourceVersion is
 * always the server's.
 */
export function applyMetadataDefaults(
  o: Obj,
  ctx: MetadataDefaultingContext,
): void {
  const meta = child(o, 'metadata');
  if (!meta) throw new Error('metadata must be an object');
  if (
    (typeof meta.name !== 'string' || meta.name === '') &&
    typeof meta.generateName === 'string'
  ) {
    meta.name = `${meta.generateName}${ctx.randomSuffix()}`;
  }
  if (typeof meta.name !== 'string' || meta.name === '') {
    throw new Error('metadata.name is required');
  }
  if (ctx.namespaced) {
    if (typeof meta.namespace !== 'string' || meta.namespace === '')
      meta.namespace = 'default';
  } else {
    delete meta.namespace;
  }
  if (typeof meta.uid !== 'string' || meta.uid === '') meta.uid = ctx.newUid();
  if (typeof meta.creationTimestamp !== 'string')
    meta.creationTimestamp = k8sTimestamp(ctx.now);
  meta.resourceVersion = ctx.resourceVersion;
  if (
    tracksGeneration(o.apiVersion, o.kind) &&
    typeof meta.generation !== 'number'
  ) {
    meta.generation = 1;
  }
}

/**
 * Returns a defaulted deep copy: metadata first (so namespace is known),
 * then the kind's spec defaults.
 */
export function applyServerDefaults(
  input: Obj,
  ctx: MetadataDefaultingContext & ServiceDefaultingOptions,
): Obj {
  const o = structuredClone(input);
  applyMetadataDefaults(o, ctx);
  applySpecDefaults(o, ctx);
  return o;
}
