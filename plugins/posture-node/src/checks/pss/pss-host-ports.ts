import { Evidence } from '@posture-dev/backstage-plugin-posture-common';
import { defineCheck, notApplicable } from '../../engine/check';
import { arr, obj } from '../../engine/k8s';
import { isSet, pssContainers, setters, show, verdict } from '../lib/pss';

export default defineCheck({
  meta: {
    id: 'pss-host-ports',
    title: 'Binds no host ports',
    pillar: 'security',
    category: 'Pod Security Standards',
    severity: 'high',
    pssLevel: 'baseline',
    rationale:
      'A hostPort opens the port on the node itself, bypassing Services and most NetworkPolicy implementations, and pins the pod to nodes where that port is free.',
    remediation: {
      text: 'Remove hostPort from every container port and expose the workload through a Service (NodePort or LoadBalancer if it must be reachable from outside).',
      patch:
        'spec:\n  template:\n    spec:\n      containers:\n        - name: <container>\n          ports:\n            - containerPort: 8080\n',
    },
    references: {
      pss: ['hostPorts'],
      polaris: ['hostPortSet'],
      kubescape: ['C-0044'],
      cis: ['5.2.13'],
    },
    defaults:
      'hostPort is unset (0) unless written, and the API server only fills it in when hostNetwork is true, which pss-host-namespaces already fails.',
  },
  target: 'workload',
  evaluate(w) {
    const containers = pssContainers(w);
    if (containers.length === 0) return notApplicable('No containers');
    const violations: Evidence[] = [];
    for (const c of containers) {
      arr(c.container.ports).forEach((p, i) => {
        const hostPort = obj(p)?.hostPort;
        if (!isSet(hostPort) || hostPort === 0) return;
        violations.push({
          path: `${c.path}.ports[${i}].hostPort`,
          container: c.name,
          value: show(hostPort),
          ...(typeof hostPort !== 'number' ? { detail: 'not a number: the API server would reject it' } : {}),
        });
      });
    }
    return verdict(
      violations,
      'No container binds a host port',
      v => `Host ports bound by ${setters(v)}: ${v.map(e => e.value).join(', ')}`,
    );
  },
  fixtures: [
    {
      name: 'containerPort only passes',
      expect: 'pass',
      upstream: ['polaris:hostPortSet', 'kubescape:C-0044'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: x:1, ports: [{containerPort: 8080}, {containerPort: 9090, hostPort: 0}]}]`,
    },
    {
      name: 'hostPort on an init container fails',
      expect: 'fail',
      upstream: ['polaris:hostPortSet'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  initContainers: [{name: i, image: x:1, ports: [{containerPort: 53, hostPort: 53}]}]
  containers: [{name: a, image: x:1}]`,
    },
    {
      name: 'a malformed ports list is ignored',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: x:1, ports: "8080:80"}]`,
    },
    {
      name: 'a string hostPort fails closed',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: x:1, ports: [{containerPort: 80, hostPort: "80"}]}]`,
    },
    {
      name: 'hostPort on a container fails (kubescape C-0044: fail)',
      expect: 'fail',
      upstream: ['kubescape:C-0044'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: x:1, ports: [{containerPort: 8080, hostPort: 8080}]}]`,
    },
  ],
});
