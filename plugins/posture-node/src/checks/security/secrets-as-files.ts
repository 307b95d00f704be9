import { Evidence } from '@posture-dev/backstage-plugin-posture-common';
import { defineCheck, fail, notApplicable, pass } from '../../engine/check';
import { arr, obj, str } from '../../engine/k8s';
import { containersOf } from '../../engine/workloads';

export default defineCheck({
  meta: {
    id: 'secrets-as-files',
    title: 'Secrets are mounted as files, not environment variables',
    pillar: 'security',
    category: 'Secrets',
    severity: 'low',
    rationale:
      'Environment variables leak: they are inherited by child processes, dumped in crash reports and debug endpoints, and shown by tools that print the environment. Mounted secret files are read only when needed and are updated in place when the Secret rotates.',
    remediation: {
      text: 'Mount the Secret as a volume and have the application read the file; many images accept a *_FILE variable pointing at it.',
      patch:
        'spec:\n  template:\n    spec:\n      volumes:\n        - name: creds\n          secret:\n            secretName: <secret>\n      containers:\n        - name: <container>\n          volumeMounts:\n            - name: creds\n              mountPath: /run/secrets/app\n              readOnly: true\n',
    },
    references: {
      kubescape: ['C-0207'],
      cis: ['5.4.1'],
    },
    defaults: 'Nothing is defaulted: env[].valueFrom.secretKeyRef and envFrom[].secretRef fail wherever they appear.',
  },
  target: 'workload',
  evaluate(w) {
    const containers = containersOf(w);
    if (containers.length === 0) return notApplicable('No containers');
    const evidence: Evidence[] = [];
    for (const c of containers) {
      arr(c.container.env).forEach((e, i) => {
        const ref = obj(obj(obj(e)?.valueFrom)?.secretKeyRef);
        if (!ref) return;
        evidence.push({
          path: `${c.path}.env[${i}].valueFrom.secretKeyRef`,
          container: c.name,
          detail: `${str(obj(e)?.name) ?? '(unnamed)'} ← secret ${str(ref.name) ?? '?'} key ${str(ref.key) ?? '?'}`,
        });
      });
      arr(c.container.envFrom).forEach((e, i) => {
        const ref = obj(obj(e)?.secretRef);
        if (!ref) return;
        evidence.push({
          path: `${c.path}.envFrom[${i}].secretRef`,
          container: c.name,
          detail: `every key of secret ${str(ref.name) ?? '?'}`,
        });
      });
    }
    if (evidence.length === 0) return pass('No Secret is exposed through environment variables');
    const names = [...new Set(evidence.map(e => e.container!))];
    return fail(`Secrets are passed as environment variables in ${names.join(', ')}`, evidence);
  },
  fixtures: [
    {
      name: 'a secret volume passes',
      expect: 'pass',
      upstream: ['kubescape:C-0207'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  volumes: [{name: creds, secret: {secretName: db}}]
  containers:
    - name: a
      image: a:1
      env: [{name: DB_PASSWORD_FILE, value: /run/secrets/db/password}]
      volumeMounts: [{name: creds, mountPath: /run/secrets/db, readOnly: true}]`,
    },
    {
      name: 'secretKeyRef fails',
      expect: 'fail',
      upstream: ['kubescape:C-0207'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - {name: a, image: a:1, env: [{name: DB_PASSWORD, valueFrom: {secretKeyRef: {name: db, key: password}}}]}`,
    },
    {
      name: 'envFrom secretRef in an init container fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  initContainers: [{name: migrate, image: m:1, envFrom: [{secretRef: {name: db}}]}]
  containers: [{name: a, image: a:1}]`,
    },
    {
      name: 'configMapKeyRef is not a secret',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - {name: a, image: a:1, envFrom: [{configMapRef: {name: c}}], env: [{name: X, valueFrom: {configMapKeyRef: {name: c, key: x}}}]}`,
    },
    {
      name: 'no containers is not applicable',
      expect: 'not-applicable',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec: {containers: "none"}`,
    },
  ],
});
