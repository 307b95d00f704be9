import { Evidence } from '@posture-dev/backstage-plugin-posture-common';
import { defineCheck } from '../../engine/check';
import { arr, obj, str } from '../../engine/k8s';
import { isSet, show, verdict } from '../lib/pss';

export default defineCheck({
  meta: {
    id: 'pss-host-path-volumes',
    title: 'Mounts no hostPath volumes',
    pillar: 'security',
    category: 'Pod Security Standards',
    severity: 'critical',
    pssLevel: 'baseline',
    rationale:
      "A hostPath volume exposes the node's filesystem to the container: container runtime sockets, kubelet credentials and other pods' data are one mount away, and a writable mount is a straight path to node compromise.",
    remediation: {
      text: 'Replace hostPath volumes with emptyDir, a ConfigMap or Secret, or a PersistentVolumeClaim; move node agents that truly need the host into a dedicated, privileged namespace.',
      patch:
        'spec:\n  template:\n    spec:\n      volumes:\n        - name: <volume>\n          emptyDir: {}\n',
    },
    references: {
      pss: ['hostPathVolumes'],
      polaris: ['hostPathSet'],
      kubescape: ['C-0048'],
      cis: ['5.2.12'],
      nsa: ['Pod security enforcement'],
    },
    defaults: 'The API server adds no volumes, so manifests and live objects are judged alike.',
  },
  target: 'workload',
  evaluate(w) {
    const violations: Evidence[] = [];
    const names: string[] = [];
    arr(w.podSpec.volumes).forEach((v, i) => {
      const vol = obj(v);
      if (!vol || !isSet(vol.hostPath)) return;
      names.push(`"${str(vol.name) ?? `#${i}`}"`);
      violations.push({
        path: `${w.podSpecPath}.volumes[${i}].hostPath`,
        value: show(str(obj(vol.hostPath)?.path) ?? vol.hostPath),
        detail: `volume "${str(vol.name) ?? `#${i}`}"`,
      });
    });
    return verdict(
      violations,
      'No hostPath volumes',
      () => `hostPath ${names.length === 1 ? 'volume' : 'volumes'} ${names.join(', ')}`,
    );
  },
  fixtures: [
    {
      name: 'emptyDir passes',
      expect: 'pass',
      upstream: ['polaris:hostPathSet', 'kubescape:C-0048'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: x:1}]
  volumes: [{name: tmp, emptyDir: {}}]`,
    },
    {
      name: 'hostPath fails',
      expect: 'fail',
      upstream: ['polaris:hostPathSet', 'kubescape:C-0048'],
      yaml: `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: a, image: x:1}]
      volumes:
        - {name: tmp, emptyDir: {}}
        - {name: docker, hostPath: {path: /var/run/docker.sock}}`,
    },
    {
      name: 'an empty hostPath object still fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: x:1}]
  volumes: [{name: h, hostPath: {}}]`,
    },
    {
      name: 'volumes that are not a list are ignored',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: x:1}]
  volumes: {name: h, hostPath: {path: /}}`,
    },
  ],
});
