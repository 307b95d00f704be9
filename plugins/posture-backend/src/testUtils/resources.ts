/**
 * The resource types the test API server knows, with the discovery facts a
 * real API server publishes for them.
 */
export interface ResourceType {
  /** API group; '' for the core group. */
  group: string;
  version: string;
  /** Plural resource name as it appears in URLs. */
  resource: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  /**
   * Custom resources are served only when the loaded data contains them or
   * an option enables them, so clients can test "CRD not installed".
   */
  optional?: boolean;
}

function core(
  resource: string,
  kind: string,
  namespaced: boolean,
  shortNames?: string[],
): ResourceType {
  return {
    group: '',
    version: 'v1',
    resource,
    singular: kind.toLowerCase(),
    kind,
    namespaced,
    shortNames,
  };
}

function grouped(
  group: string,
  version: string,
  resource: string,
  kind: string,
  namespaced: boolean,
  shortNames?: string[],
  optional?: boolean,
): ResourceType {
  return {
    group,
    version,
    resource,
    singular: kind.toLowerCase(),
    kind,
    namespaced,
    shortNames,
    optional,
  };
}

export const BUILTIN_RESOURCES: readonly ResourceType[] = [
  core('pods', 'Pod', true, ['po']),
  core('services', 'Service', true, ['svc']),
  core('serviceaccounts', 'ServiceAccount', true, ['sa']),
  core('namespaces', 'Namespace', false, ['ns']),
  core('resourcequotas', 'ResourceQuota', true, ['quota']),
  core('limitranges', 'LimitRange', true, ['limits']),
  core('persistentvolumeclaims', 'PersistentVolumeClaim', true, ['pvc']),
  core('configmaps', 'ConfigMap', true, ['cm']),
  core('secrets', 'Secret', true),
  grouped('apps', 'v1', 'deployments', 'Deployment', true, ['deploy']),
  grouped('apps', 'v1', 'statefulsets', 'StatefulSet', true, ['sts']),
  grouped('apps', 'v1', 'daemonsets', 'DaemonSet', true, ['ds']),
  grouped('apps', 'v1', 'replicasets', 'ReplicaSet', true, ['rs']),
  grouped('batch', 'v1', 'jobs', 'Job', true),
  grouped('batch', 'v1', 'cronjobs', 'CronJob', true, ['cj']),
  grouped('networking.k8s.io', 'v1', 'ingresses', 'Ingress', true, ['ing']),
  grouped('networking.k8s.io', 'v1', 'networkpolicies', 'NetworkPolicy', true, [
    'netpol',
  ]),
  grouped(
    'autoscaling',
    'v2',
    'horizontalpodautoscalers',
    'HorizontalPodAutoscaler',
    true,
    ['hpa'],
  ),
  grouped('policy', 'v1', 'poddisruptionbudgets', 'PodDisruptionBudget', true, [
    'pdb',
  ]),
  grouped('rbac.authorization.k8s.io', 'v1', 'roles', 'Role', true),
  grouped(
    'rbac.authorization.k8s.io',
    'v1',
    'rolebindings',
    'RoleBinding',
    true,
  ),
  grouped(
    'rbac.authorization.k8s.io',
    'v1',
    'clusterroles',
    'ClusterRole',
    false,
  ),
  grouped(
    'rbac.authorization.k8s.io',
    'v1',
    'clusterrolebindings',
    'ClusterRoleBinding',
    false,
  ),
];

export const OPTIONAL_RESOURCES: readonly ResourceType[] = [
  grouped(
    'keda.sh',
    'v1alpha1',
    'scaledobjects',
    'ScaledObject',
    true,
    ['so'],
    true,
  ),
  grouped(
    'security.istio.io',
    'v1',
    'peerauthentications',
    'PeerAuthentication',
    true,
    ['pa'],
    true,
  ),
  grouped('argoproj.io', 'v1alpha1', 'rollouts', 'Rollout', true, ['ro'], true),
  // usage, observability and report signals (issue 15)
  grouped('autoscaling.k8s.io', 'v1', 'verticalpodautoscalers', 'VerticalPodAutoscaler', true, ['vpa'], true),
  grouped('monitoring.coreos.com', 'v1', 'servicemonitors', 'ServiceMonitor', true, ['smon'], true),
  grouped('monitoring.coreos.com', 'v1', 'podmonitors', 'PodMonitor', true, ['pmon'], true),
  grouped('aquasecurity.github.io', 'v1alpha1', 'vulnerabilityreports', 'VulnerabilityReport', true, ['vuln', 'vulns'], true),
  grouped('wgpolicyk8s.io', 'v1alpha2', 'policyreports', 'PolicyReport', true, ['polr'], true),
  grouped('wgpolicyk8s.io', 'v1alpha2', 'clusterpolicyreports', 'ClusterPolicyReport', false, ['cpolr'], true),
];

export function groupVersionOf(rt: ResourceType): string {
  return rt.group ? `${rt.group}/${rt.version}` : rt.version;
}

/** `pods` for the core group, `deployments.apps` otherwise (kubectl's form). */
export function resourceKeyOf(rt: ResourceType): string {
  return rt.group ? `${rt.resource}.${rt.group}` : rt.resource;
}

/** Verbs the test server actually serves: it is read-only. */
export const SERVED_VERBS: readonly string[] = ['get', 'list'];

export class ResourceRegistry {
  private readonly types: ResourceType[] = [];
  private readonly byGvk = new Map<string, ResourceType>();
  private readonly byGvr = new Map<string, ResourceType>();

  constructor(types: Iterable<ResourceType>) {
    for (const t of types) this.register(t);
  }

  register(rt: ResourceType): void {
    const gvk = `${groupVersionOf(rt)}|${rt.kind}`;
    if (this.byGvk.has(gvk)) return;
    this.types.push(rt);
    this.byGvk.set(gvk, rt);
    this.byGvr.set(`${groupVersionOf(rt)}|${rt.resource}`, rt);
  }

  all(): readonly ResourceType[] {
    return this.types;
  }

  byKind(apiVersion: string, kind: string): ResourceType | undefined {
    return this.byGvk.get(`${apiVersion}|${kind}`);
  }

  byResource(groupVersion: string, resource: string): ResourceType | undefined {
    return this.byGvr.get(`${groupVersion}|${resource}`);
  }

  /**
   * Resolves what tests write in filters and fault specs: a plural
   * (`secrets`), a kubectl key (`deployments.apps`), a Kind (`Secret`) or a
   * short name (`deploy`).
   */
  resolve(name: string): ResourceType[] {
    const lower = name.toLowerCase();
    return this.types.filter(
      t =>
        t.resource === lower ||
        resourceKeyOf(t) === lower ||
        t.kind.toLowerCase() === lower ||
        t.singular === lower ||
        (t.shortNames ?? []).includes(lower),
    );
  }
}

/** Accepts a resource key (`scaledobjects.keda.sh`), plural or Kind. */
export function findOptionalResource(name: string): ResourceType | undefined {
  const lower = name.toLowerCase();
  return OPTIONAL_RESOURCES.find(
    t =>
      resourceKeyOf(t) === lower ||
      t.resource === lower ||
      t.kind.toLowerCase() === lower,
  );
}
