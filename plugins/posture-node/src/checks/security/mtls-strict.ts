import { Evidence } from '@posture-dev/backstage-plugin-posture-common';
import { defineCheck, fail, notApplicable, pass } from '../../engine/check';
import { K8sObject, groupOf, nameOf, namespaceOf, obj, refOf, str } from '../../engine/k8s';
import { mapSelector, matches } from '../../engine/selectors';
import { isIstio, meshEnrolment } from './_mesh';

/** Istio's default root namespace, where a selector-less policy is mesh-wide. */
const ROOT_NAMESPACE = 'istio-system';
const MODES = ['STRICT', 'PERMISSIVE', 'DISABLE'] as const;
type Mode = (typeof MODES)[number];

const modeOf = (v: unknown): Mode | undefined => {
  const m = str(obj(v)?.mode)?.toUpperCase();
  return (MODES as readonly string[]).includes(m ?? '') ? (m as Mode) : undefined; // UNSET inherits
};
/** When several policies of one level disagree, assume the weakest. */
const weakest = (modes: Mode[]): Mode | undefined =>
  modes.includes('DISABLE') ? 'DISABLE' : modes.includes('PERMISSIVE') ? 'PERMISSIVE' : modes[0];
const hasSelector = (pa: K8sObject) => Object.keys(obj(obj(obj(pa.spec)?.selector)?.matchLabels) ?? {}).length > 0;

export default defineCheck({
  meta: {
    id: 'mtls-strict',
    title: 'Istio PeerAuthentication requires mutual TLS (STRICT)',
    pillar: 'security',
    category: 'Network',
    severity: 'medium',
    rationale:
      'Istio accepts plain-text traffic by default (PERMISSIVE) so that workloads can migrate; until a STRICT PeerAuthentication applies, any pod can still reach the workload without mTLS, bypassing identity-based authorization.',
    remediation: {
      text: 'Apply a STRICT PeerAuthentication to the namespace (or mesh-wide in istio-system) once every client is in the mesh.',
      patch:
        'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\n  namespace: <namespace>\nspec:\n  mtls:\n    mode: STRICT\n',
    },
    references: {
      nsa: ['Network separation and hardening: encryption in transit'],
    },
    defaults:
      'Not applicable unless the workload is enrolled in Istio (sidecar or ambient; see service-mesh-mtls). The effective mode follows Istio\'s precedence: a policy selecting the pods overrides the namespace-wide one, which overrides the mesh-wide one in the root namespace (assumed istio-system); UNSET inherits; with no policy Istio uses PERMISSIVE, which fails. Port-level overrides that are not STRICT fail. When policies of one level disagree, the weakest mode is assumed.',
  },
  target: 'workload',
  evaluate(w, ctx) {
    const e = meshEnrolment(w, ctx);
    if (!isIstio(e.mesh)) return notApplicable('The workload is not enrolled in Istio');
    const pas = (ns: string) => ctx.index.ofKind('PeerAuthentication', ns).filter(pa => groupOf(pa) === 'security.istio.io');
    const local = pas(w.namespace);
    const levels: { name: string; policies: K8sObject[] }[] = [
      { name: 'mesh-wide', policies: pas(ROOT_NAMESPACE).filter(pa => !hasSelector(pa)) },
      { name: 'namespace', policies: w.namespace === ROOT_NAMESPACE ? [] : local.filter(pa => !hasSelector(pa)) },
      {
        name: 'workload',
        policies: local.filter(pa => hasSelector(pa) && matches(mapSelector(obj(obj(pa.spec)?.selector)?.matchLabels), w.podLabels)),
      },
    ];
    let mode: Mode = 'PERMISSIVE';
    let decidedBy: K8sObject | undefined;
    for (const level of levels) {
      const set = level.policies.map(pa => ({ pa, mode: modeOf(obj(pa.spec)?.mtls) })).filter(x => x.mode);
      const m = weakest(set.map(x => x.mode!));
      if (m) {
        mode = m;
        decidedBy = set.find(x => x.mode === m)!.pa;
      }
    }
    // port-level settings only take effect on policies that select workloads
    const weakPorts: Evidence[] = [];
    for (const pa of levels[2].policies) {
      for (const [port, setting] of Object.entries(obj(obj(pa.spec)?.portLevelMtls) ?? {})) {
        const m = modeOf(setting);
        if (m && m !== 'STRICT')
          weakPorts.push({ path: `spec.portLevelMtls.${port}.mode`, value: m, object: refOf(pa) });
      }
    }
    if (!decidedBy)
      return fail('No PeerAuthentication applies, so Istio accepts plain-text traffic (PERMISSIVE by default)', [
        { path: `${w.podMetaPath}.labels`, detail: `no PeerAuthentication in ${w.namespace} or ${ROOT_NAMESPACE} sets a mode` },
      ]);
    const where = `${nameOf(decidedBy)} in ${namespaceOf(decidedBy)}`;
    const modeEvidence: Evidence = { path: 'spec.mtls.mode', value: mode, object: refOf(decidedBy) };
    if (mode !== 'STRICT') return fail(`PeerAuthentication ${where} sets mTLS to ${mode}`, [modeEvidence]);
    if (weakPorts.length > 0)
      return fail(`mTLS is STRICT (${where}) except on port ${weakPorts.map(p => p.path.split('.')[2]).join(', ')}`, [
        modeEvidence,
        ...weakPorts,
      ]);
    return pass(`PeerAuthentication ${where} requires mutual TLS`, [modeEvidence]);
  },
  fixtures: [
    {
      name: 'a STRICT namespace policy passes',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop, labels: {app: p}}
spec: {containers: [{name: a, image: a:1}]}
---
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {istio-injection: enabled}}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: shop}
spec: {mtls: {mode: STRICT}}`,
    },
    {
      name: 'mesh-wide STRICT in istio-system passes',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec: {containers: [{name: a, image: a:1}]}
---
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {istio.io/dataplane-mode: ambient}}
---
apiVersion: security.istio.io/v1beta1
kind: PeerAuthentication
metadata: {name: default, namespace: istio-system}
spec: {mtls: {mode: STRICT}}`,
    },
    {
      name: 'no policy means PERMISSIVE and fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec: {containers: [{name: a, image: a:1}]}
---
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {istio-injection: enabled}}`,
    },
    {
      name: 'a workload policy overrides a STRICT namespace',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop, labels: {app: legacy}}
spec: {containers: [{name: a, image: a:1}]}
---
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {istio-injection: enabled}}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: shop}
spec: {mtls: {mode: STRICT}}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: legacy, namespace: shop}
spec: {selector: {matchLabels: {app: legacy}}, mtls: {mode: PERMISSIVE}}`,
    },
    {
      name: 'UNSET on the workload inherits STRICT but a permissive port fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop, labels: {app: api}}
spec: {containers: [{name: a, image: a:1}]}
---
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {istio.io/rev: stable}}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: istio-system}
spec: {mtls: {mode: STRICT}}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  mtls: {mode: UNSET}
  portLevelMtls: {"9090": {mode: PERMISSIVE}}`,
    },
    {
      name: 'a policy selecting other pods does not apply',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop, labels: {app: api}}
spec: {containers: [{name: a, image: a:1}]}
---
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {istio-injection: enabled}}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: shop}
spec: {mtls: {mode: STRICT}}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: other, namespace: shop}
spec: {selector: {matchLabels: {app: other}}, mtls: {mode: DISABLE}}`,
    },
    {
      name: 'Linkerd workloads are not applicable',
      expect: 'not-applicable',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop, annotations: {linkerd.io/inject: enabled}}
spec: {containers: [{name: a, image: a:1}]}`,
    },
  ],
});
