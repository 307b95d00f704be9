// How a workload gets scraped (the `_` prefix keeps it out of the catalog).
import { CheckContext } from '../../engine/check';
import { K8sObject, annotationsOf, arr, labelsOf, nameOf, namespaceOf, obj, str } from '../../engine/k8s';
import { matches, parseLabelSelector } from '../../engine/selectors';
import { Workload } from '../../engine/workloads';

/** Workload kinds that serve for as long as they run; a Job's metrics are pushed, not scraped. */
export const LONG_RUNNING_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Rollout', 'Pod'];

/** A Prometheus Operator namespaceSelector: `any`, `matchNames`, or (absent) the monitor's own namespace. */
function coversNamespace(monitor: K8sObject, namespace: string): boolean {
  const sel = obj(obj(monitor.spec)?.namespaceSelector);
  if (sel?.any === true) return true;
  const names = arr(sel?.matchNames).filter(n => typeof n === 'string');
  if (names.length) return names.includes(namespace);
  return namespaceOf(monitor) === namespace;
}

function selects(monitor: K8sObject, labels: Record<string, string>): boolean {
  try {
    const sel = parseLabelSelector(obj(monitor.spec)?.selector);
    return sel !== undefined && matches(sel, labels);
  } catch {
    // an invalid selector selects nothing, as in the operator
    return false;
  }
}

/** What makes Prometheus scrape the workload's pods, or undefined when nothing does. */
export function scrapedBy(w: Workload, ctx: CheckContext): string | undefined {
  const ann = annotationsOf({ metadata: w.podMeta });
  if (ann['prometheus.io/scrape'] === 'true')
    return `the pod annotation prometheus.io/scrape: "true"${ann['prometheus.io/port'] ? ` (port ${ann['prometheus.io/port']})` : ''}`;
  // monitors may live in any namespace (often the monitoring one), so all are considered
  for (const pm of ctx.index.ofKind('PodMonitor')) {
    if (coversNamespace(pm, w.namespace) && selects(pm, w.podLabels))
      return `PodMonitor ${namespaceOf(pm)}/${nameOf(pm)}`;
  }
  const services = ctx.index.servicesFor(w);
  if (services.length) {
    for (const sm of ctx.index.ofKind('ServiceMonitor')) {
      for (const svc of services) {
        if (coversNamespace(sm, namespaceOf(svc)) && selects(sm, labelsOf(svc)))
          return `ServiceMonitor ${namespaceOf(sm)}/${nameOf(sm)} (through Service ${nameOf(svc)})`;
      }
    }
    for (const svc of services)
      if (annotationsOf(svc)['prometheus.io/scrape'] === 'true')
        return `the Service ${nameOf(svc)} annotation prometheus.io/scrape: "true"`;
  }
  return undefined;
}

export { str };
