import { defineCheck, fail, pass } from '../../engine/check';
import { labelsOf } from '../../engine/k8s';

const LABEL = 'app.kubernetes.io/instance';

export default defineCheck({
  meta: {
    id: 'instance-label-matches-name',
    title: 'The app.kubernetes.io/instance label names the workload',
    pillar: 'scalability',
    category: 'Metadata',
    severity: 'low',
    rationale:
      'Dashboards, cost reports and kubectl selectors group objects by the recommended app.kubernetes.io/instance label; a workload without it, or with another workload\'s instance, is counted under the wrong instance or not at all.',
    remediation: {
      text: 'Set metadata.labels["app.kubernetes.io/instance"] to the workload\'s name.',
      patch: 'metadata:\n  labels:\n    app.kubernetes.io/instance: <name>\n',
    },
    references: { polaris: ['metadataAndInstanceMismatched'] },
    defaults:
      'Off by default: it asks for a labelling convention (Helm sets the label to the release name, which often differs from the object name). The label is read from the top-level workload\'s own metadata, not the pod template; a missing label fails, as in Polaris.',
    optIn: true,
  },
  target: 'workload',
  evaluate(w) {
    const v = labelsOf(w.object)[LABEL];
    if (v === w.name) return pass(`${LABEL} is ${v}`);
    return fail(v === undefined ? `No ${LABEL} label` : `${LABEL} is ${v}, not the workload name ${w.name}`, [
      { path: `metadata.labels["${LABEL}"]`, value: v ?? '(unset)' },
    ]);
  },
  fixtures: [
    {
      name: 'a matching label passes (Polaris metadataAndInstanceMismatched: pass)',
      expect: 'pass',
      upstream: ['polaris:metadataAndInstanceMismatched'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: nginx, labels: {app.kubernetes.io/instance: nginx}}
spec: {containers: [{name: nginx, image: nginx}]}`,
    },
    {
      name: 'another instance fails (Polaris metadataAndInstanceMismatched: fail)',
      expect: 'fail',
      upstream: ['polaris:metadataAndInstanceMismatched'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: nginx, labels: {app.kubernetes.io/instance: not-nginx}}
spec: {containers: [{name: nginx, image: nginx}]}`,
    },
    {
      name: 'no label fails (Polaris metadataAndInstanceMismatched: fail)',
      expect: 'fail',
      upstream: ['polaris:metadataAndInstanceMismatched'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: nginx}
spec: {containers: [{name: nginx, image: nginx}]}`,
    },
  ],
});
