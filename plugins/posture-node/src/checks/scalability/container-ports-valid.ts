import { Evidence } from '@posture-dev/backstage-plugin-posture-common';
import { defineCheck, fail, notApplicable, pass } from '../../engine/check';
import { arr, obj } from '../../engine/k8s';
import { containersOf } from '../../engine/workloads';
import { show } from '../lib/show';

const MAX_NAME = 15;

export default defineCheck({
  meta: {
    id: 'container-ports-valid',
    title: 'Container ports are numbered and uniquely named',
    pillar: 'scalability',
    category: 'Configuration',
    severity: 'low',
    rationale:
      'Services, probes and NetworkPolicies refer to container ports by name. A port without containerPort, a name longer than 15 characters, or a name used twice makes those references fail or point at the wrong port, and the API server rejects most of these outright.',
    remediation: {
      text: 'Give every port a containerPort, and a name of at most 15 characters that no other port of the pod uses.',
      patch: 'spec:\n  template:\n    spec:\n      containers:\n        - name: <container>\n          ports:\n            - name: http\n              containerPort: 8080\n',
    },
    references: { kubeScore: ['container-ports-check'] },
    defaults:
      'Off by default, as in kube-score. Nothing is defaulted. Names are compared across all containers of the pod (a Service targetPort by name must find one port), and unnamed ports are allowed. Init containers are judged.',
    optIn: true,
  },
  target: 'workload',
  evaluate(w) {
    const containers = containersOf(w, ['initContainers', 'containers']);
    const problems: Evidence[] = [];
    const names = new Map<string, string>();
    let ports = 0;
    for (const c of containers) {
      const list = arr(c.container.ports);
      ports += list.length;
      list.forEach((raw, i) => {
        const p = obj(raw) ?? {};
        const path = `${c.path}.ports[${i}]`;
        const n = p.containerPort;
        if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535)
          problems.push({ path: `${path}.containerPort`, container: c.name, value: show(n), detail: 'containerPort must be set to 1-65535' });
        if (p.name === undefined || p.name === null) return;
        const name = typeof p.name === 'string' ? p.name : show(p.name);
        if (name.length > MAX_NAME)
          problems.push({ path: `${path}.name`, container: c.name, value: name.slice(0, 64), detail: `longer than ${MAX_NAME} characters` });
        const first = names.get(name);
        if (first) problems.push({ path: `${path}.name`, container: c.name, value: name.slice(0, 64), detail: `also used at ${first}` });
        else names.set(name, path);
      });
    }
    if (ports === 0) return notApplicable('No container ports');
    if (problems.length > 0)
      return fail(`Invalid container ports: ${problems.map(p => `${show(p.value)} (${p.detail})`).join('; ')}`, problems);
    return pass(`${ports} container port(s), all numbered and uniquely named`);
  },
  fixtures: [
    {
      name: 'numbered, short, unique names pass (kube-score container-ports-check: pass)',
      expect: 'pass',
      upstream: ['kubeScore:container-ports-check'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - {name: a, image: a:1, ports: [{name: http, containerPort: 8080}, {name: metrics, containerPort: 9090}]}`,
    },
    {
      name: 'a name longer than 15 characters fails (kube-score container-ports-check: fail)',
      expect: 'fail',
      upstream: ['kubeScore:container-ports-check'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: a:1, ports: [{name: http-application-port, containerPort: 8080}]}]`,
    },
    {
      name: 'a duplicated name fails (kube-score container-ports-check: fail)',
      expect: 'fail',
      upstream: ['kubeScore:container-ports-check'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: a:1, ports: [{name: http, containerPort: 8080}, {name: http, containerPort: 8081}]}]`,
    },
    {
      name: 'a port without containerPort fails (kube-score container-ports-check: fail)',
      expect: 'fail',
      upstream: ['kubeScore:container-ports-check'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: a:1, ports: [{name: http}]}]`,
    },
    {
      name: 'no ports is not applicable',
      expect: 'not-applicable',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: a:1}]`,
    },
  ],
});
