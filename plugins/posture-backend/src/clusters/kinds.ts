/**
 * Exactly what the collector reads: one paginated LIST per kind per cluster.
 * deploy/rbac.yaml grants get/list/watch on these and nothing else (a test
 * keeps the two equal). Secrets are deliberately absent.
 */
export interface CollectedKind {
  kind: string;
  group: string;
  version: string;
  resource: string;
  namespaced: boolean;
  /** optional CRDs are listed only when discovery shows them */
  optional?: boolean;
  /**
   * Listed as metadata only: the engine judges an owned object through its controller and needs
   * only its labels and owner references. Objects without a controller are fetched in full.
   */
  metadataOnly?: boolean;
}

export const COLLECTED_KINDS: CollectedKind[] = [
  { kind: 'Namespace', group: '', version: 'v1', resource: 'namespaces', namespaced: false },
  { kind: 'Pod', group: '', version: 'v1', resource: 'pods', namespaced: true, metadataOnly: true },
  { kind: 'Service', group: '', version: 'v1', resource: 'services', namespaced: true },
  { kind: 'ServiceAccount', group: '', version: 'v1', resource: 'serviceaccounts', namespaced: true },
  { kind: 'ResourceQuota', group: '', version: 'v1', resource: 'resourcequotas', namespaced: true },
  { kind: 'LimitRange', group: '', version: 'v1', resource: 'limitranges', namespaced: true },
  { kind: 'PersistentVolumeClaim', group: '', version: 'v1', resource: 'persistentvolumeclaims', namespaced: true },
  // read only for the secret-literal check
  { kind: 'ConfigMap', group: '', version: 'v1', resource: 'configmaps', namespaced: true },
  { kind: 'Deployment', group: 'apps', version: 'v1', resource: 'deployments', namespaced: true },
  { kind: 'StatefulSet', group: 'apps', version: 'v1', resource: 'statefulsets', namespaced: true },
  { kind: 'DaemonSet', group: 'apps', version: 'v1', resource: 'daemonsets', namespaced: true },
  { kind: 'ReplicaSet', group: 'apps', version: 'v1', resource: 'replicasets', namespaced: true, metadataOnly: true },
  { kind: 'Job', group: 'batch', version: 'v1', resource: 'jobs', namespaced: true },
  { kind: 'CronJob', group: 'batch', version: 'v1', resource: 'cronjobs', namespaced: true },
  { kind: 'Ingress', group: 'networking.k8s.io', version: 'v1', resource: 'ingresses', namespaced: true },
  { kind: 'NetworkPolicy', group: 'networking.k8s.io', version: 'v1', resource: 'networkpolicies', namespaced: true },
  { kind: 'HorizontalPodAutoscaler', group: 'autoscaling', version: 'v2', resource: 'horizontalpodautoscalers', namespaced: true },
  { kind: 'PodDisruptionBudget', group: 'policy', version: 'v1', resource: 'poddisruptionbudgets', namespaced: true },
  { kind: 'Role', group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'roles', namespaced: true },
  { kind: 'RoleBinding', group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'rolebindings', namespaced: true },
  { kind: 'ClusterRole', group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterroles', namespaced: false },
  { kind: 'ClusterRoleBinding', group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterrolebindings', namespaced: false },
  { kind: 'ScaledObject', group: 'keda.sh', version: 'v1alpha1', resource: 'scaledobjects', namespaced: true, optional: true },
  { kind: 'PeerAuthentication', group: 'security.istio.io', version: 'v1', resource: 'peerauthentications', namespaced: true, optional: true },
  { kind: 'Rollout', group: 'argoproj.io', version: 'v1alpha1', resource: 'rollouts', namespaced: true, optional: true },
  // signals beyond configuration: usage recommendations, scrape selection, image and policy reports
  { kind: 'VerticalPodAutoscaler', group: 'autoscaling.k8s.io', version: 'v1', resource: 'verticalpodautoscalers', namespaced: true, optional: true },
  { kind: 'ServiceMonitor', group: 'monitoring.coreos.com', version: 'v1', resource: 'servicemonitors', namespaced: true, optional: true },
  { kind: 'PodMonitor', group: 'monitoring.coreos.com', version: 'v1', resource: 'podmonitors', namespaced: true, optional: true },
  { kind: 'VulnerabilityReport', group: 'aquasecurity.github.io', version: 'v1alpha1', resource: 'vulnerabilityreports', namespaced: true, optional: true },
  { kind: 'PolicyReport', group: 'wgpolicyk8s.io', version: 'v1alpha2', resource: 'policyreports', namespaced: true, optional: true },
  { kind: 'ClusterPolicyReport', group: 'wgpolicyk8s.io', version: 'v1alpha2', resource: 'clusterpolicyreports', namespaced: false, optional: true },
];

export function listPath(k: CollectedKind): string {
  return k.group ? `/apis/${k.group}/${k.version}/${k.resource}` : `/api/${k.version}/${k.resource}`;
}

/** The URL of one object of kind `k`; name and namespace are URL-encoded (they come from the server, but still). */
export function objectPath(k: CollectedKind, name: string, namespace?: string): string {
  const base = k.group ? `/apis/${k.group}/${k.version}` : `/api/${k.version}`;
  const ns = k.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${base}${ns}/${k.resource}/${encodeURIComponent(name)}`;
}
