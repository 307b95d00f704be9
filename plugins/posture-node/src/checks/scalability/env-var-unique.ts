import { Evidence } from '@posture-dev/backstage-plugin-posture-common';
import { defineCheck, fail, notApplicable, pass } from '../../engine/check';
import { arr, obj, str } from '../../engine/k8s';
import { containersOf } from '../../engine/workloads';
import { show } from '../lib/show';

export default defineCheck({
  meta: {
    id: 'env-var-unique',
    title: 'Containers define each environment variable once',
    pillar: 'scalability',
    category: 'Configuration',
    severity: 'low',
    rationale:
      'When a container lists the same variable twice, the last entry silently wins. An edit to the first entry then has no effect, and tools that merge or patch env lists pick different entries, so the running configuration is not the reviewed one.',
    remediation: {
      text: 'Remove the duplicate entries so each variable name appears once in each container\'s env list.',
      patch: 'spec:\n  template:\n    spec:\n      containers:\n        - name: <container>\n          env:\n            - name: LOG_LEVEL\n              value: info\n',
    },
    references: { kubeScore: ['environment-variable-key-duplication'] },
    defaults:
      'Nothing is defaulted. Each container\'s env list is judged on its own (a name may appear in two containers); names coming from envFrom are not counted, since a later env entry deliberately overrides them. Init containers are judged too.',
  },
  target: 'workload',
  evaluate(w) {
    const containers = containersOf(w, ['initContainers', 'containers']);
    if (containers.length === 0) return notApplicable('No containers');
    const dup: Evidence[] = [];
    for (const c of containers) {
      const seen = new Map<string, number>();
      arr(c.container.env).forEach((e, i) => {
        const name = str(obj(e)?.name);
        if (name === undefined) return;
        const first = seen.get(name);
        if (first === undefined) seen.set(name, i);
        else dup.push({ path: `${c.path}.env[${i}].name`, container: c.name, value: name, detail: `also env[${first}]` });
      });
    }
    if (dup.length > 0)
      return fail(`Duplicate environment variables: ${dup.map(d => `${show(d.container)}: ${show(d.value)}`).join(', ')}`, dup);
    return pass('Every environment variable is defined once per container');
  },
  fixtures: [
    {
      name: 'distinct names pass (kube-score environment-variable-key-duplication: pass)',
      expect: 'pass',
      upstream: ['kubeScore:environment-variable-key-duplication'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - {name: a, image: a:1, env: [{name: A, value: "1"}, {name: B, value: "2"}]}
    - {name: b, image: b:1, env: [{name: A, value: "3"}]}`,
    },
    {
      name: 'a name listed twice fails (kube-score environment-variable-key-duplication: fail)',
      expect: 'fail',
      upstream: ['kubeScore:environment-variable-key-duplication'],
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          env: [{name: LOG_LEVEL, value: info}, {name: PORT, value: "80"}, {name: LOG_LEVEL, value: debug}]`,
    },
    {
      name: 'an env entry overriding envFrom passes',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - {name: a, image: a:1, envFrom: [{configMapRef: {name: cfg}}], env: [{name: A, value: "1"}]}`,
    },
  ],
});
