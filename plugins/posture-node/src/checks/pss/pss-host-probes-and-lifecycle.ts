import { Evidence } from '@posture-dev/backstage-plugin-posture-common';
import { defineCheck, notApplicable } from '../../engine/check';
import { obj } from '../../engine/k8s';
import { isSet, pssContainers, setters, show, verdict } from '../lib/pss';

const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
const HOOKS = ['postStart', 'preStop'] as const;
// tcpSocket is deprecated as a lifecycle handler but still judged, as upstream does
const HANDLERS = ['httpGet', 'tcpSocket'] as const;

export default defineCheck({
  meta: {
    id: 'pss-host-probes-and-lifecycle',
    title: 'Probes and lifecycle hooks do not target other hosts',
    pillar: 'security',
    category: 'Pod Security Standards',
    severity: 'high',
    pssLevel: 'baseline',
    rationale:
      "The kubelet makes probe and lifecycle requests from the node; a host field turns them into requests to any address the node can reach (SSRF), such as a cloud metadata endpoint or the node's own services.",
    remediation: {
      text: 'Remove the host field from httpGet and tcpSocket probes and lifecycle hooks; they then target the pod IP.',
      patch:
        'spec:\n  template:\n    spec:\n      containers:\n        - name: <container>\n          livenessProbe:\n            httpGet:\n              path: /healthz\n              port: 8080\n',
    },
    references: {
      pss: ['hostProbesAndHostLifecycle'],
    },
    defaults: 'host defaults to the pod IP when unset, so leaving it out passes in manifests and live objects alike.',
  },
  target: 'workload',
  evaluate(w) {
    const containers = pssContainers(w);
    if (containers.length === 0) return notApplicable('No containers');
    const violations: Evidence[] = [];
    const judge = (handlerOwner: unknown, path: string, container: string) => {
      for (const h of HANDLERS) {
        const host = obj(obj(handlerOwner)?.[h])?.host;
        if (!isSet(host) || host === '') continue;
        violations.push({ path: `${path}.${h}.host`, container, value: show(host) });
      }
    };
    for (const c of containers) {
      for (const p of PROBES) judge(c.container[p], `${c.path}.${p}`, c.name);
      const lifecycle = obj(c.container.lifecycle);
      for (const hook of HOOKS) judge(lifecycle?.[hook], `${c.path}.lifecycle.${hook}`, c.name);
    }
    return verdict(
      violations,
      'No probe or lifecycle hook sets a host',
      v => {
        const hosts = [...new Set(v.map(e => `"${e.value}"`))];
        return `Probe or lifecycle ${hosts.length === 1 ? 'host' : 'hosts'} ${hosts.join(', ')} set by ${setters(v)}`;
      },
    );
  },
  fixtures: [
    {
      name: 'probes without host pass',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: a
      image: x:1
      livenessProbe: {httpGet: {path: /healthz, port: 8080, host: ""}}
      readinessProbe: {tcpSocket: {port: 8080}}
      lifecycle: {preStop: {exec: {command: [sleep, "5"]}}}`,
    },
    {
      name: 'a liveness probe against the metadata endpoint fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: a
      image: x:1
      livenessProbe: {httpGet: {host: 169.254.169.254, path: /latest/meta-data, port: 80}}`,
    },
    {
      name: 'a postStart hook with a host on a sidecar fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  initContainers:
    - name: side
      image: x:1
      restartPolicy: Always
      lifecycle: {postStart: {tcpSocket: {host: "::1", port: 22}}}
  containers: [{name: a, image: x:1}]`,
    },
    {
      name: 'malformed probes are ignored',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: x:1, startupProbe: "/healthz", lifecycle: [1, 2]}]`,
    },
  ],
});
