import { Evidence } from '@posture-dev/backstage-plugin-posture-common';
import { CheckContext, Outcome, fail, pass } from '../../engine/check';
import { K8sObject, arr, groupOf, nameOf, obj, refOf } from '../../engine/k8s';
import { Workload } from '../../engine/workloads';

export type Direction = 'Ingress' | 'Egress';

/**
 * The directions a NetworkPolicy isolates. Without policyTypes the API server
 * defaults to Ingress, plus Egress when the policy has an egress section.
 */
export function policyTypesOf(np: K8sObject): Direction[] {
  const spec = obj(np.spec);
  const declared = arr(spec?.policyTypes).filter((t): t is Direction => t === 'Ingress' || t === 'Egress');
  if (arr(spec?.policyTypes).length > 0) return declared;
  return spec?.egress !== undefined && spec?.egress !== null ? ['Ingress', 'Egress'] : ['Ingress'];
}

/** Only networking.k8s.io NetworkPolicies are enforced by the CNI; look-alike CRDs are not. */
const isCoreNetworkPolicy = (np: K8sObject) => groupOf(np) === 'networking.k8s.io';

/**
 * A workload is covered in a direction when at least one NetworkPolicy
 * selecting its pods isolates that direction. A policy that isolates a
 * direction with no rules (deny-all) covers it: it is the strictest policy.
 */
export function judgeCoverage(w: Workload, ctx: CheckContext, direction: Direction): Outcome {
  const lower = direction.toLowerCase();
  if (w.podSpec.hostNetwork === true) {
    return fail(`The pod uses the host network, where NetworkPolicies do not apply, so its ${lower} cannot be isolated`, [
      { path: `${w.podSpecPath}.hostNetwork`, value: 'true' },
    ]);
  }
  const selecting = ctx.index.networkPoliciesFor(w).filter(isCoreNetworkPolicy);
  const covering = selecting.filter(np => policyTypesOf(np).includes(direction));
  if (covering.length > 0) {
    const evidence: Evidence[] = covering.map(np => {
      const rules = arr(obj(np.spec)?.[lower]);
      return {
        path: 'spec.policyTypes',
        object: refOf(np),
        detail: rules.length === 0 ? `denies all ${lower}` : `${rules.length} ${lower} rule(s)`,
      };
    });
    return pass(
      `${direction} is restricted by NetworkPolicy ${covering.map(nameOf).join(', ')}`,
      evidence,
    );
  }
  if (selecting.length > 0) {
    return fail(
      `NetworkPolicy ${selecting.map(nameOf).join(', ')} select the pods but none restricts ${lower}`,
      selecting.map(np => ({
        path: 'spec.policyTypes',
        object: refOf(np),
        value: policyTypesOf(np).join(',') || '(none)',
      })),
    );
  }
  return fail(`No NetworkPolicy selects the pods, so all ${lower} traffic is allowed`, [
    { path: `${w.podMetaPath}.labels`, detail: 'no NetworkPolicy podSelector matches these labels' },
  ]);
}
