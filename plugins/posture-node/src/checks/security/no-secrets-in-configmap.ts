import { Evidence } from '@posture-dev/backstage-plugin-posture-common';
import { defineCheck, fail, pass } from '../../engine/check';
import { obj } from '../../engine/k8s';
import { MASK, credentialInValue, embeddedSecrets, isPlaceholder, isSensitiveName } from './_secrets';

/** binaryData keys whose content is key material by file type */
const KEY_FILE = /(?:^|[._-])(?:id_(?:rsa|dsa|ecdsa|ed25519)|[\w-]*\.(?:key|p12|pfx))$/i;

export default defineCheck({
  meta: {
    id: 'no-secrets-in-configmap',
    title: 'ConfigMap holds no credentials',
    pillar: 'security',
    category: 'Secrets',
    severity: 'high',
    rationale:
      'ConfigMaps are readable by far more subjects than Secrets (the view role can read them) and are not encrypted at rest by secret encryption providers, so a credential in one is effectively public inside the cluster.',
    remediation: {
      text: 'Move the credential into a Secret (or an external secret store) and reference it from the workload; rotate it, since it has been exposed.',
      patch: 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: <name>\ntype: Opaque\nstringData:\n  password: <value>\n',
    },
    references: {
      polaris: ['sensitiveConfigmapContent'],
      kubescape: ['C-0012'],
      nsa: ['Secrets'],
    },
    defaults:
      'Nothing is defaulted. A data key fails when its name says it holds a credential and its value is a literal, or when its value contains a private key, a token or a password in a URL or connection string; config files in a value (YAML, properties, INI, .env, JSON) are read line by line for keys such as db.password. binaryData is judged by key name only. Values are never shown.',
  },
  target: 'object',
  kinds: ['ConfigMap'],
  evaluate(cm) {
    const evidence: Evidence[] = [];
    const data = obj(cm.data) ?? {};
    for (const [key, raw] of Object.entries(data)) {
      if (typeof raw !== 'string' && typeof raw !== 'number') continue;
      const value = String(raw);
      const path = `data.${key}`;
      const inValue = credentialInValue(value);
      if (inValue) {
        evidence.push({ path, value: MASK, detail: `${key}: the value contains ${inValue}` });
        continue;
      }
      if (isSensitiveName(key) && !isPlaceholder(value)) {
        evidence.push({ path, value: MASK, detail: `${key}: the key says it holds a credential` });
        continue;
      }
      const embedded = embeddedSecrets(value);
      if (embedded.length > 0) {
        evidence.push({
          path,
          value: MASK,
          detail: `${key}: ${embedded.map(e => `${e.key} (line ${e.line})`).join(', ')} written inline`,
        });
      }
    }
    for (const [key, raw] of Object.entries(obj(cm.binaryData) ?? {})) {
      if (typeof raw !== 'string' || raw === '') continue;
      if (isSensitiveName(key) || KEY_FILE.test(key))
        evidence.push({ path: `binaryData.${key}`, value: MASK, detail: `${key}: the key names credential material` });
    }
    if (evidence.length === 0) return pass('No key or value looks like a credential');
    const keys = evidence.map(e => e.path.replace(/^(data|binaryData)\./, ''));
    return fail(`Credential-like content in ${keys.join(', ')} (${MASK})`, evidence);
  },
  fixtures: [
    {
      name: 'plain settings pass',
      expect: 'pass',
      upstream: ['polaris:sensitiveConfigmapContent', 'kubescape:C-0012'],
      yaml: `apiVersion: v1
kind: ConfigMap
metadata: {name: c}
data:
  LOG_LEVEL: info
  db_user: app
  ca.crt: |
    -----BEGIN CERTIFICATE-----
    MIIB
    -----END CERTIFICATE-----
  application.yaml: |
    server:
      port: 8080
    auth:
      tokenUrl: https://auth.example.com/token
      password: \${DB_PASSWORD}`,
    },
    {
      name: 'a password key fails',
      expect: 'fail',
      upstream: ['polaris:sensitiveConfigmapContent', 'kubescape:C-0012'],
      yaml: `apiVersion: v1
kind: ConfigMap
metadata: {name: c}
data: {db_password: abc123}`,
    },
    {
      name: 'a password inside an embedded properties file fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: ConfigMap
metadata: {name: c}
data:
  application.properties: |
    spring.datasource.url=jdbc:postgresql://db/app
    spring.datasource.password=hunter2`,
    },
    {
      name: 'a private key value fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: ConfigMap
metadata: {name: c}
data:
  ssh: |
    -----BEGIN OPENSSH PRIVATE KEY-----
    xxxx
    -----END OPENSSH PRIVATE KEY-----`,
    },
    {
      name: 'a key file in binaryData fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: ConfigMap
metadata: {name: c}
binaryData: {tls.key: aGVsbG8=}`,
    },
    {
      name: 'empty sensitive keys and odd types pass',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: ConfigMap
metadata: {name: c}
data: {password: "", token: null, nested: {a: 1}}
binaryData: [1, 2]`,
    },
  ],
});
