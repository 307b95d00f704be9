import { defineCheck, fail, notApplicable, pass } from '../../engine/check';
import { labelsOf, obj, refOf, str } from '../../engine/k8s';

const ENFORCE = 'pod-security.kubernetes.io/enforce';

export default defineCheck({
  meta: {
    id: 'namespace-pss-enforced',
    title: 'Namespace enforces a Pod Security level',
    pillar: 'security',
    category: 'Isolation',
    severity: 'medium',
    rationale:
      'Pod Security Admission only blocks privileged pods in namespaces that enforce a level. Without it, anyone who can create a pod in the namespace can run it privileged, on the host network or with host paths, whatever the manifests in review look like today.',
    remediation: {
      text: 'Label the namespace to enforce the baseline level at least, restricted where the workloads allow it.',
      patch:
        'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: <namespace>\n  labels:\n    pod-security.kubernetes.io/enforce: restricted\n',
    },
    references: {
      cis: ['5.2.1'],
      nsa: ['Pod security: Pod Security Admission'],
    },
    defaults:
      'Judged on the Namespace object: enforce=baseline or restricted passes; privileged, an unknown value or no label fails. When the snapshot holds no Namespace object for the workload (common in manifests, where namespaces are created separately, and always when metadata.namespace is unset) the check is not applicable rather than failing on what it cannot see. A cluster-wide default set in the API server\'s AdmissionConfiguration is not visible to the engine.',
  },
  target: 'workload',
  evaluate(w, ctx) {
    const declared = str(obj(w.object.metadata)?.namespace);
    if (!declared && ctx.mode === 'manifest')
      return notApplicable('metadata.namespace is not set: the namespace is chosen when the manifest is applied');
    const ns = ctx.index.get('Namespace', undefined, w.namespace);
    if (!ns) return notApplicable(`Namespace ${w.namespace} was not found in the snapshot, so its Pod Security labels cannot be checked`);
    const level = labelsOf(ns)[ENFORCE];
    const evidence = [{ path: `metadata.labels.${ENFORCE}`, value: level ?? '(unset)', object: refOf(ns) }];
    if (level === 'baseline' || level === 'restricted')
      return pass(`Namespace ${w.namespace} enforces the ${level} Pod Security level`, evidence);
    if (level === undefined) return fail(`Namespace ${w.namespace} does not enforce a Pod Security level`, evidence);
    if (level === 'privileged') return fail(`Namespace ${w.namespace} enforces only the privileged level, which allows everything`, evidence);
    return fail(`Namespace ${w.namespace} has an invalid enforce level "${level}"`, evidence);
  },
  fixtures: [
    {
      name: 'restricted passes',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec: {containers: [{name: a, image: a:1}]}
---
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {pod-security.kubernetes.io/enforce: restricted}}`,
    },
    {
      name: 'warn-only fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec: {containers: [{name: a, image: a:1}]}
---
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {pod-security.kubernetes.io/warn: restricted}}`,
    },
    {
      name: 'privileged fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec: {containers: [{name: a, image: a:1}]}
---
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {pod-security.kubernetes.io/enforce: privileged}}`,
    },
    {
      name: 'a namespace missing from the manifests is not applicable',
      expect: 'not-applicable',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec: {containers: [{name: a, image: a:1}]}`,
    },
    {
      name: 'live objects are judged on their namespace',
      expect: 'fail',
      mode: 'live',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec: {containers: [{name: a, image: a:1}]}
---
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {pod-security.kubernetes.io/enforce: "Restricted"}}`,
    },
  ],
});
