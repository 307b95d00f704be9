// Relates report objects to the workloads the engine scores (the `_` prefix keeps it out of the catalog).
import { CheckContext } from '../../engine/check';
import { WORKLOAD_KINDS, Workload } from '../../engine/workloads';
import { arr, obj, str } from './_k8s';

/**
 * The top-level workload an object belongs to: the object itself when it is a
 * scored workload, else its controller, followed through the snapshot (a Pod
 * to its ReplicaSet to its Deployment). A ReplicaSet the snapshot no longer
 * holds (reports outlive rollouts) is matched to the Deployment its name was
 * generated from (`<deployment>-<pod-template-hash>`), when that Deployment
 * exists in the namespace.
 */
export function owningWorkload(
  ctx: CheckContext,
  kind: string,
  namespace: string,
  name: string,
): Workload | undefined {
  let k = kind;
  let n = name;
  for (let depth = 0; depth < 4; depth++) {
    if (!WORKLOAD_KINDS.has(k)) return undefined;
    const o = ctx.index.get(k, namespace, n);
    if (!o) {
      if (k === 'ReplicaSet') {
        const m = /^(.+)-[a-z0-9]{1,10}$/.exec(n);
        if (m) return ctx.index.workload(`Deployment/${namespace}/${m[1]}`);
      }
      return undefined;
    }
    const w = ctx.index.workload(`${k}/${namespace}/${n}`);
    if (w) return w;
    const owner = arr(obj(o.metadata)?.ownerReferences)
      .map(obj)
      .find(r => r?.controller === true && WORKLOAD_KINDS.has(String(r?.kind)));
    const ok = str(owner?.kind);
    const on = str(owner?.name);
    if (!ok || !on) return undefined;
    k = ok;
    n = on;
  }
  return undefined;
}
