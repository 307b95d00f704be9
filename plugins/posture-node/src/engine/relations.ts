import { K8sObject, arr, kindOf, nameOf, namespaceOf, obj, str } from './k8s';
import { SnapshotIndex, ingressServiceNames } from './snapshotIndex';
import { Workload } from './workloads';

/**
 * The workloads an object belongs to, for attributing its results to
 * services: by selector, by scaleTargetRef or by reference; never by name.
 */
export function workloadsRelatedTo(o: K8sObject, index: SnapshotIndex): Workload[] {
  const kind = kindOf(o);
  const ns = namespaceOf(o);
  switch (kind) {
    case 'HorizontalPodAutoscaler':
    case 'ScaledObject': {
      const t = obj(obj(o.spec)?.scaleTargetRef);
      const tkind = str(t?.kind) ?? (kind === 'ScaledObject' ? 'Deployment' : '');
      const w = index.workload(`${tkind}/${ns}/${str(t?.name) ?? ''}`);
      return w ? [w] : [];
    }
    case 'Service':
    case 'PodDisruptionBudget':
    case 'NetworkPolicy':
      return index.selectedBy(o);
    case 'Ingress': {
      const out: Workload[] = [];
      for (const svc of new Set(ingressServiceNames(o))) {
        const s = index.get('Service', ns, svc);
        // one push each: a broad selector may select every workload
        if (s) for (const w of index.selectedBy(s)) out.push(w);
      }
      return out;
    }
    case 'ServiceAccount':
      return index.workloadsUsingServiceAccount(ns, nameOf(o));
    case 'ConfigMap':
      return index.workloadsUsingConfigMap(ns, nameOf(o));
    case 'Namespace':
      return index.workloadsInNamespace(nameOf(o));
    case 'ResourceQuota':
    case 'LimitRange':
    case 'PeerAuthentication':
      return index.workloadsInNamespace(ns);
    case 'RoleBinding':
    case 'ClusterRoleBinding':
      return serviceAccountSubjects(o, index);
    case 'Role':
    case 'ClusterRole':
      return index.bindingsForRole(o).flatMap(b => serviceAccountSubjects(b, index));
    default: {
      // an object check on a workload kind (api-version-stable on a CronJob) belongs to that workload
      const w = index.workload(`${kind}/${ns}/${nameOf(o)}`);
      return w && w.object === o ? [w] : [];
    }
  }
}

/** Workloads running as a ServiceAccount that a binding names as a subject. */
function serviceAccountSubjects(binding: K8sObject, index: SnapshotIndex): Workload[] {
  const out: Workload[] = [];
  for (const s of arr(binding.subjects)) {
    const subj = obj(s);
    const name = str(subj?.name);
    if (subj?.kind !== 'ServiceAccount' || !name) continue;
    const ns = str(subj.namespace) || (kindOf(binding) === 'RoleBinding' ? namespaceOf(binding) : 'default');
    for (const w of index.workloadsUsingServiceAccount(ns, name)) out.push(w);
  }
  return out;
}
