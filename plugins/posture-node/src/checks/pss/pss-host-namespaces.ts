import { Evidence } from '@posture-dev/backstage-plugin-posture-common';
import { defineCheck } from '../../engine/check';
import { forbiddenFlag, show, typeDetail, verdict } from '../lib/pss';

const FIELDS = ['hostNetwork', 'hostPID', 'hostIPC'] as const;

export default defineCheck({
  meta: {
    id: 'pss-host-namespaces',
    title: 'Does not share the host network, PID or IPC namespace',
    pillar: 'security',
    category: 'Pod Security Standards',
    severity: 'critical',
    pssLevel: 'baseline',
    rationale:
      "A pod in the host's network, PID or IPC namespace can sniff node traffic, reach services bound to localhost, see and signal every process on the node, and read shared memory of other workloads.",
    remediation: {
      text: 'Remove hostNetwork, hostPID and hostIPC from the pod spec (or set them to false).',
      patch: 'spec:\n  template:\n    spec:\n      hostNetwork: false\n      hostPID: false\n      hostIPC: false\n',
    },
    references: {
      pss: ['hostNamespaces'],
      polaris: ['hostNetworkSet', 'hostPIDSet', 'hostIPCSet'],
      kubescape: ['C-0038', 'C-0041'],
      cis: ['5.2.3', '5.2.4', '5.2.5'],
      nsa: ['Pod security enforcement'],
    },
    defaults: 'All three default to false, so leaving them out passes in manifests and live objects alike.',
  },
  target: 'workload',
  evaluate(w) {
    const violations: Evidence[] = [];
    for (const f of FIELDS) {
      const v = w.podSpec[f];
      if (!forbiddenFlag(v)) continue;
      const detail = typeDetail(v, 'boolean');
      violations.push({ path: `${w.podSpecPath}.${f}`, value: show(v), ...(detail ? { detail } : {}) });
    }
    return verdict(
      violations,
      'The pod uses its own network, PID and IPC namespaces',
      v => `Host namespaces: ${v.map(e => e.path.split('.').pop()).join(', ')}`,
    );
  },
  fixtures: [
    {
      name: 'no host namespaces passes',
      expect: 'pass',
      upstream: ['polaris:hostIPCSet', 'polaris:hostNetworkSet', 'polaris:hostPIDSet', 'kubescape:C-0038', 'kubescape:C-0041'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  hostNetwork: false
  containers: [{name: a, image: x:1}]`,
    },
    {
      name: 'hostPID in a Deployment template fails',
      expect: 'fail',
      upstream: ['polaris:hostPIDSet', 'kubescape:C-0038'],
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  selector: {matchLabels: {app: d}}
  template:
    metadata: {labels: {app: d}}
    spec:
      hostPID: true
      containers: [{name: a, image: x:1}]`,
    },
    {
      name: 'hostNetwork in a CronJob fails',
      expect: 'fail',
      upstream: ['polaris:hostNetworkSet', 'kubescape:C-0041'],
      yaml: `apiVersion: batch/v1
kind: CronJob
metadata: {name: c}
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          hostNetwork: true
          restartPolicy: Never
          containers: [{name: a, image: x:1}]`,
    },
    {
      name: 'a string where a boolean belongs fails closed',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  hostIPC: "yes"
  containers: [{name: a, image: x:1}]`,
    },
    {
      name: 'null is the same as unset',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  hostIPC: null
  containers: [{name: a, image: x:1}]`,
    },
    {
      name: 'hostIPC fails (Polaris hostIPCSet: fail)',
      expect: 'fail',
      upstream: ['polaris:hostIPCSet'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: nginx}
spec:
  hostIPC: true
  containers: [{name: nginx, image: nginx}]`,
    },
  ],
});
