import { Evidence } from '@posture-dev/backstage-plugin-posture-common';
import { defineCheck } from '../../engine/check';
import { arr, obj, str } from '../../engine/k8s';
import { isSet, verdict } from '../lib/pss';

/** The volume sources restricted allows (policy 1.0 function, patched in place for `image` in 1.33). */
const ALLOWED_SOURCES = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'image',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);

export default defineCheck({
  meta: {
    id: 'pss-restricted-volumes',
    title: 'Uses only restricted volume types',
    pillar: 'security',
    category: 'Pod Security Standards',
    severity: 'medium',
    pssLevel: 'restricted',
    rationale:
      'Inline volume sources such as hostPath, nfs, iscsi or gitRepo bypass PersistentVolume administration and can reach node or network storage the workload should not; restricted allows only ephemeral and PVC-backed types.',
    remediation: {
      text: 'Use only configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected or secret volumes; expose other storage through a PersistentVolume and a claim.',
      patch:
        'spec:\n  template:\n    spec:\n      volumes:\n        - name: <volume>\n          persistentVolumeClaim:\n            claimName: <claim>\n',
    },
    references: {
      pss: ['restrictedVolumes'],
    },
    defaults:
      'A volume that names no source is defaulted to emptyDir by the API server, so it passes in manifests as it would live.',
  },
  target: 'workload',
  evaluate(w) {
    const violations: Evidence[] = [];
    const names: string[] = [];
    arr(w.podSpec.volumes).forEach((v, i) => {
      const vol = obj(v);
      if (!vol) return;
      const sources = Object.keys(vol).filter(k => k !== 'name' && isSet(vol[k]));
      // no source at all: the API server makes it an emptyDir
      if (sources.length === 0 || sources.some(s => ALLOWED_SOURCES.has(s))) return;
      names.push(`"${str(vol.name) ?? `#${i}`}"`);
      for (const s of sources) {
        violations.push({
          path: `${w.podSpecPath}.volumes[${i}].${s}`,
          value: s,
          detail: `volume "${str(vol.name) ?? `#${i}`}" has restricted type ${s}`,
        });
      }
    });
    return verdict(
      violations,
      'Every volume uses a type restricted allows',
      v => `${names.length === 1 ? 'Volume' : 'Volumes'} ${names.join(', ')} ${names.length === 1 ? 'has a restricted type' : 'have restricted types'}: ${[...new Set(v.map(e => e.value))].join(', ')}`,
    );
  },
  fixtures: [
    {
      name: 'allowed types and an implicit emptyDir pass',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: x:1}]
  volumes:
    - {name: implicit}
    - {name: tmp, emptyDir: {}}
    - {name: cfg, configMap: {name: c}}
    - {name: data, persistentVolumeClaim: {claimName: d}}
    - {name: tools, image: {reference: "registry.example/tools:1"}}
    - {name: token, projected: {sources: []}}`,
    },
    {
      name: 'nfs fails',
      expect: 'fail',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  selector: {matchLabels: {app: d}}
  template:
    metadata: {labels: {app: d}}
    spec:
      containers: [{name: a, image: x:1}]
      volumes: [{name: share, nfs: {server: nfs.example, path: /export}}]`,
    },
    {
      name: 'hostPath fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: x:1}]
  volumes: [{name: dev, hostPath: {path: /dev/null}}]`,
    },
    {
      name: 'an unknown source fails closed',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: x:1}]
  volumes: [{name: x, someFutureSource: {}}]`,
    },
    {
      name: 'a null source counts as absent',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: x:1}]
  volumes: [{name: x, gitRepo: null, emptyDir: {}}]`,
    },
  ],
});
