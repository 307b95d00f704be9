import { defineCheck, fail, notApplicable, pass } from '../../engine/check';
import { meshEnrolment } from './_mesh';

const MESH_NAMES = { 'istio-sidecar': 'Istio (sidecar)', 'istio-ambient': 'Istio (ambient)', linkerd: 'Linkerd' };

export default defineCheck({
  meta: {
    id: 'service-mesh-mtls',
    title: 'Enrolled in a service mesh for mutual TLS',
    pillar: 'security',
    category: 'Network',
    severity: 'low',
    rationale:
      'A service mesh encrypts pod-to-pod traffic with mutual TLS and gives each workload a verifiable identity, so traffic inside the cluster can be neither read nor spoofed by a compromised neighbour.',
    remediation: {
      text: 'Enrol the namespace in the mesh (istio-injection=enabled or istio.io/rev, istio.io/dataplane-mode=ambient, or linkerd.io/inject: enabled), or the pod template when only some workloads should join.',
      patch: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: <namespace>\n  labels:\n    istio.io/dataplane-mode: ambient\n',
    },
    references: {
      nsa: ['Network separation and hardening: encryption in transit'],
    },
    defaults:
      'Istio sidecar: namespace label istio-injection=enabled or istio.io/rev, or (in a namespace without either) the pod label sidecar.istio.io/inject=true or istio.io/rev; sidecar.istio.io/inject=false on the pod opts out, and any other istio-injection value disables injection. Istio ambient: istio.io/dataplane-mode=ambient on the pod or namespace (none on the pod opts out). Linkerd: linkerd.io/inject enabled or ingress on the pod template or namespace (disabled on the pod opts out). A running istio-proxy or linkerd-proxy container counts. When nothing on the pod decides and the Namespace object is not in the snapshot, the check is not applicable.',
  },
  target: 'workload',
  evaluate(w, ctx) {
    if (w.podSpec.hostNetwork === true)
      return fail('Host-network pods cannot join a service mesh', [{ path: `${w.podSpecPath}.hostNetwork`, value: 'true' }]);
    const e = meshEnrolment(w, ctx);
    if (e.mesh && e.signal) {
      return pass(`Enrolled in ${MESH_NAMES[e.mesh]}`, [{ ...e.signal }]);
    }
    if (e.optOuts.length > 0) {
      return fail(
        'The pod opts out of the service mesh',
        e.optOuts.map(o => ({ ...o })),
      );
    }
    if (e.namespaceUnknown)
      return notApplicable(`Namespace ${w.namespace} is not in the snapshot and nothing on the pod enrols it, so mesh enrolment cannot be determined`);
    return fail(`Neither the pod nor namespace ${w.namespace} is enrolled in Istio or Linkerd`, [
      { path: `${w.podMetaPath}.labels`, detail: 'no mesh injection label or annotation' },
    ]);
  },
  fixtures: [
    {
      name: 'an injected namespace passes',
      expect: 'pass',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: api, image: api:1}]}
---
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {istio-injection: enabled}}`,
    },
    {
      name: 'an ambient namespace passes',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec: {containers: [{name: a, image: a:1}]}
---
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {istio.io/dataplane-mode: ambient}}`,
    },
    {
      name: 'a Linkerd annotation on the pod template passes without the namespace',
      expect: 'pass',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}, annotations: {linkerd.io/inject: enabled}}
    spec: {containers: [{name: api, image: api:1}]}`,
    },
    {
      name: 'a pod opting out of an injected namespace fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop, labels: {sidecar.istio.io/inject: "false"}}
spec: {containers: [{name: a, image: a:1}]}
---
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {istio-injection: enabled}}`,
    },
    {
      name: 'istio-injection=disabled overrides the pod label',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop, labels: {sidecar.istio.io/inject: "true"}}
spec: {containers: [{name: a, image: a:1}]}
---
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {istio-injection: disabled}}`,
    },
    {
      name: 'an unlabelled namespace fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec: {containers: [{name: a, image: a:1}]}
---
apiVersion: v1
kind: Namespace
metadata: {name: shop}`,
    },
    {
      name: 'a live pod with an istio-proxy sidecar passes',
      expect: 'pass',
      mode: 'live',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec:
  initContainers: [{name: istio-proxy, image: proxyv2:1.24, restartPolicy: Always}]
  containers: [{name: a, image: a:1}]`,
    },
    {
      name: 'an unknown namespace is not applicable',
      expect: 'not-applicable',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec: {containers: [{name: a, image: a:1}]}`,
    },
  ],
});
