import { ObjectRef } from '@posture-dev/backstage-plugin-posture-common';
import { CheckContext } from '../../engine/check';
import { annotationsOf, labelsOf, refOf } from '../../engine/k8s';
import { Workload, containersOf } from '../../engine/workloads';

export type Mesh = 'istio-sidecar' | 'istio-ambient' | 'linkerd';

export interface MeshSignal {
  /** `path` is relative to `object` when given, else to the workload */
  path: string;
  value: string;
  object?: ObjectRef;
}

export interface Enrolment {
  mesh?: Mesh;
  /** why: the label, annotation or container that decided */
  signal?: MeshSignal;
  /** explicit opt-outs seen on the pod */
  optOuts: MeshSignal[];
  /** the Namespace object was not in the snapshot, so namespace-level enrolment is unknown */
  namespaceUnknown: boolean;
}

const ISTIO_INJECT = 'sidecar.istio.io/inject';
const ISTIO_REV = 'istio.io/rev';
const DATAPLANE = 'istio.io/dataplane-mode';
const LINKERD_INJECT = 'linkerd.io/inject';

/**
 * Which mesh, if any, enrols the workload's pods in mTLS, following each
 * mesh's injection rules: pod-level settings win over namespace ones, and an
 * explicit opt-out on the pod wins over a namespace opt-in.
 */
export function meshEnrolment(w: Workload, ctx: CheckContext): Enrolment {
  const podLabels = w.podLabels;
  const podAnn = annotationsOf({ metadata: w.podMeta });
  const ns = ctx.index.get('Namespace', undefined, w.namespace);
  const nsLabels = labelsOf(ns);
  const nsAnn = annotationsOf(ns);
  const nsRef = ns ? refOf(ns) : undefined;
  const labelPath = (k: string) => `${w.podMetaPath}.labels.${k}`;
  const annPath = (k: string) => `${w.podMetaPath}.annotations.${k}`;
  const optOuts: MeshSignal[] = [];
  const found = (mesh: Mesh, signal: MeshSignal): Enrolment => ({
    mesh,
    signal,
    optOuts,
    namespaceUnknown: !ns,
  });

  // a pod already running a proxy (live bare pods, or a manually injected template)
  for (const c of containersOf(w, ['containers', 'initContainers'])) {
    if (c.name === 'istio-proxy') return found('istio-sidecar', { path: `${c.path}.name`, value: c.name });
    if (c.name === 'linkerd-proxy') return found('linkerd', { path: `${c.path}.name`, value: c.name });
  }

  // Istio sidecar, as the injector's webhooks select pods: a namespace with
  // istio-injection=enabled or istio.io/rev injects unless the pod opts out;
  // any other istio-injection value disables it; elsewhere the pod's own
  // label opts in. The annotation form only opts out.
  const podInject = podLabels[ISTIO_INJECT];
  const optOut =
    podInject === 'false'
      ? { path: labelPath(ISTIO_INJECT), value: 'false' }
      : podAnn[ISTIO_INJECT] === 'false'
        ? { path: annPath(ISTIO_INJECT), value: 'false' }
        : undefined;
  const nsInjection = nsLabels['istio-injection'];
  if (optOut) optOuts.push(optOut);
  else if (nsInjection === 'enabled')
    return found('istio-sidecar', { path: 'metadata.labels.istio-injection', value: 'enabled', object: nsRef });
  else if (nsInjection === undefined) {
    if (nsLabels[ISTIO_REV])
      return found('istio-sidecar', { path: `metadata.labels.${ISTIO_REV}`, value: nsLabels[ISTIO_REV], object: nsRef });
    if (podInject === 'true') return found('istio-sidecar', { path: labelPath(ISTIO_INJECT), value: 'true' });
    if (podLabels[ISTIO_REV]) return found('istio-sidecar', { path: labelPath(ISTIO_REV), value: podLabels[ISTIO_REV] });
  }

  // Istio ambient: the pod may opt in or out, else the namespace decides
  if (podLabels[DATAPLANE] === 'none') optOuts.push({ path: labelPath(DATAPLANE), value: 'none' });
  else if (podLabels[DATAPLANE] === 'ambient')
    return found('istio-ambient', { path: labelPath(DATAPLANE), value: 'ambient' });
  else if (nsLabels[DATAPLANE] === 'ambient')
    return found('istio-ambient', { path: `metadata.labels.${DATAPLANE}`, value: 'ambient', object: nsRef });

  // Linkerd: the pod template annotation, else the namespace annotation
  const linkerd = podAnn[LINKERD_INJECT];
  if (linkerd === 'disabled') optOuts.push({ path: annPath(LINKERD_INJECT), value: linkerd });
  else if (linkerd === 'enabled' || linkerd === 'ingress')
    return found('linkerd', { path: annPath(LINKERD_INJECT), value: linkerd });
  else if (nsAnn[LINKERD_INJECT] === 'enabled' || nsAnn[LINKERD_INJECT] === 'ingress')
    return found('linkerd', { path: `metadata.annotations.${LINKERD_INJECT}`, value: nsAnn[LINKERD_INJECT], object: nsRef });

  return { optOuts, namespaceUnknown: !ns };
}

export const isIstio = (mesh: Mesh | undefined) => mesh === 'istio-sidecar' || mesh === 'istio-ambient';
