import { Evidence } from '@posture-dev/backstage-plugin-posture-common';
import { defineCheck } from '../../engine/check';
import { obj } from '../../engine/k8s';
import {
  containerScPath,
  containerSecurityContext,
  forbiddenFlag,
  podScPath,
  podSecurityContext,
  pssContainers,
  setters,
  show,
  typeDetail,
  verdict,
} from '../lib/pss';

export default defineCheck({
  meta: {
    id: 'pss-windows-host-process',
    title: 'No Windows HostProcess containers',
    pillar: 'security',
    category: 'Pod Security Standards',
    severity: 'critical',
    pssLevel: 'baseline',
    rationale:
      'A Windows HostProcess container runs directly on the node as a host process, with access to the host network, filesystem and devices: the Windows equivalent of a privileged container.',
    remediation: {
      text: 'Remove securityContext.windowsOptions.hostProcess (or set it to false) at pod and container level.',
      patch:
        'spec:\n  template:\n    spec:\n      securityContext:\n        windowsOptions:\n          hostProcess: false\n',
    },
    references: {
      pss: ['windowsHostProcess'],
      polaris: ['hostProcess'],
      cis: ['5.2.11'],
    },
    defaults: 'hostProcess defaults to false, so leaving it out passes in manifests and live objects alike.',
  },
  target: 'workload',
  evaluate(w) {
    const violations: Evidence[] = [];
    const add = (sc: Record<string, any> | undefined, base: string, container?: string) => {
      const v = obj(sc?.windowsOptions)?.hostProcess;
      if (!forbiddenFlag(v)) return;
      const detail = typeDetail(v, 'boolean');
      violations.push({
        path: `${base}.windowsOptions.hostProcess`,
        value: show(v),
        ...(container !== undefined ? { container } : {}),
        ...(detail ? { detail } : {}),
      });
    };
    add(podSecurityContext(w), podScPath(w));
    for (const c of pssContainers(w)) add(containerSecurityContext(c), containerScPath(c), c.name);
    return verdict(
      violations,
      'No HostProcess containers',
      v => `${setters(v)} must not set securityContext.windowsOptions.hostProcess=true`,
    );
  },
  fixtures: [
    {
      name: 'a plain Windows pod passes',
      expect: 'pass',
      upstream: ['polaris:hostProcess'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  os: {name: windows}
  securityContext: {windowsOptions: {runAsUserName: ContainerUser}}
  containers: [{name: a, image: x:1}]`,
    },
    {
      name: 'hostProcess at pod level fails',
      expect: 'fail',
      yaml: `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: ds}
spec:
  selector: {matchLabels: {app: ds}}
  template:
    metadata: {labels: {app: ds}}
    spec:
      hostNetwork: true
      securityContext: {windowsOptions: {hostProcess: true, runAsUserName: "NT AUTHORITY\\\\SYSTEM"}}
      containers: [{name: a, image: x:1}]`,
    },
    {
      name: 'hostProcess on a container fails',
      expect: 'fail',
      upstream: ['polaris:hostProcess'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  hostNetwork: true
  containers: [{name: a, image: x:1, securityContext: {windowsOptions: {hostProcess: true}}}]`,
    },
    {
      name: 'hostProcess false passes',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: x:1, securityContext: {windowsOptions: {hostProcess: false}}}]`,
    },
  ],
});
