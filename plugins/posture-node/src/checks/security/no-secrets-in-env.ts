import { Evidence } from '@posture-dev/backstage-plugin-posture-common';
import { defineCheck, fail, notApplicable, pass } from '../../engine/check';
import { arr, obj, str } from '../../engine/k8s';
import { containersOf } from '../../engine/workloads';
import { MASK, credentialInValue, isPlaceholder, isSensitiveName } from './_secrets';

export default defineCheck({
  meta: {
    id: 'no-secrets-in-env',
    title: 'No literal secrets in environment variables',
    pillar: 'security',
    category: 'Secrets',
    severity: 'high',
    rationale:
      'A credential written as an env value is stored in plain text in the manifest, in the workload object (readable by anyone who can get it) and in every copy of the repository. Secrets keep it out of the spec and under their own access control.',
    remediation: {
      text: 'Move the value into a Secret and reference it (valueFrom.secretKeyRef), or better mount it as a file; rotate the credential, since it has been exposed.',
      patch:
        'spec:\n  template:\n    spec:\n      containers:\n        - name: <container>\n          env:\n            - name: DB_PASSWORD\n              valueFrom:\n                secretKeyRef:\n                  name: <secret>\n                  key: password\n',
    },
    references: {
      polaris: ['sensitiveContainerEnvVar'],
      kubescape: ['C-0012'],
      nsa: ['Secrets'],
    },
    defaults:
      'Nothing is defaulted. A variable fails when its name says it holds a credential (PASSWORD, SECRET, TOKEN, API_KEY, PRIVATE_KEY, CREDENTIALS…) and it has a literal value, or when its value looks like a private key, a token or a URL with a password. Names that describe a credential (…_FILE, …_PATH, …_NAME, …_URL, …_ID) and values that are empty, $(VAR) references, file paths or booleans are not flagged. Values are never shown.',
  },
  target: 'workload',
  evaluate(w) {
    const containers = containersOf(w);
    if (containers.length === 0) return notApplicable('No containers');
    const evidence: Evidence[] = [];
    const names: string[] = [];
    for (const c of containers) {
      arr(c.container.env).forEach((e, i) => {
        const entry = obj(e);
        const name = str(entry?.name) ?? '';
        // a number is invalid here, but still a credential written inline
        const value = typeof entry?.value === 'number' ? String(entry.value) : entry?.value;
        if (typeof value !== 'string' || value.trim() === '') return;
        const path = `${c.path}.env[${i}].value`;
        const inValue = credentialInValue(value);
        const label = name || `env[${i}]`;
        if (inValue) {
          evidence.push({ path, container: c.name, value: MASK, detail: `${label}: the value contains ${inValue}` });
          names.push(`${c.name}/${label}`);
        } else if (isSensitiveName(name) && !isPlaceholder(value)) {
          evidence.push({
            path,
            container: c.name,
            value: MASK,
            detail: `${label}: the name says it holds a credential and the value is written inline`,
          });
          names.push(`${c.name}/${label}`);
        }
      });
    }
    if (evidence.length === 0) return pass('No environment variable holds a literal credential');
    return fail(`Literal credential in environment variable ${names.join(', ')} (${MASK})`, evidence);
  },
  fixtures: [
    {
      name: 'secretKeyRef passes',
      expect: 'pass',
      upstream: ['polaris:sensitiveContainerEnvVar', 'kubescape:C-0012'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: a
      image: a:1
      env:
        - {name: DB_PASSWORD, valueFrom: {secretKeyRef: {name: db, key: password}}}
        - {name: LOG_LEVEL, value: info}`,
    },
    {
      name: 'a literal password fails',
      expect: 'fail',
      upstream: ['polaris:sensitiveContainerEnvVar', 'kubescape:C-0012'],
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  selector: {matchLabels: {app: d}}
  template:
    metadata: {labels: {app: d}}
    spec:
      containers:
        - name: a
          image: a:1
          env: [{name: dbPassword, value: hunter2}]`,
    },
    {
      name: 'a private key value fails whatever the name',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  initContainers:
    - name: init
      image: a:1
      env:
        - name: BOOTSTRAP
          value: |
            -----BEGIN RSA PRIVATE KEY-----
            abc
            -----END RSA PRIVATE KEY-----
  containers: [{name: a, image: a:1}]`,
    },
    {
      name: 'a password inside a URL fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - {name: a, image: a:1, env: [{name: DATABASE_URL, value: "postgres://app:s3cret@db:5432/app"}]}`,
    },
    {
      name: 'names that describe a credential pass',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: a
      image: a:1
      env:
        - {name: DB_PASSWORD_FILE, value: /run/secrets/db}
        - {name: TOKEN_URL, value: "https://auth.example.com/token"}
        - {name: SECRET_NAME, value: app-credentials}
        - {name: AWS_ACCESS_KEY_ID, value: AKIAEXAMPLE}
        - {name: TOKENIZER, value: bpe}
        - {name: API_TOKEN, value: "$(SHARED_TOKEN)"}
        - {name: GOOGLE_APPLICATION_CREDENTIALS, value: /var/secrets/google/key.json}`,
    },
    {
      name: 'env of the wrong type does not throw',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - {name: a, image: a:1, env: {PASSWORD: x}}
    - {name: b, image: a:1, env: [null, 3, {name: [PASSWORD], value: {x: 1}}]}`,
    },
    {
      name: 'an unquoted numeric password still fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - {name: a, image: a:1, env: [{name: ADMIN_PASSWORD, value: 12345}]}`,
    },
  ],
});
