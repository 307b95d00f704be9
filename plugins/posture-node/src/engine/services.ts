import { Workload } from './workloads';

export const KUBERNETES_ID_LABEL = 'backstage.io/kubernetes-id';

/**
 * Groups a workload into a service the way the Backstage kubernetes plugin
 * does (`backstage.io/kubernetes-id`), then by the recommended
 * `app.kubernetes.io/name`, then `app`, then the workload's own name.
 */
export function serviceNameOf(w: Workload): string {
  const own = w.object.metadata?.labels;
  for (const label of [KUBERNETES_ID_LABEL, 'app.kubernetes.io/name', 'app']) {
    const v =
      (typeof own?.[label] === 'string' && own[label]) || w.podLabels[label];
    if (v) return v;
  }
  return w.name;
}
