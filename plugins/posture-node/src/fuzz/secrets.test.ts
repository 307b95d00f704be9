import { builtInChecks } from '../checks/catalog';
import { runInMemory, tempTree } from '../cli/testUtils';
import { evaluate } from '../engine/engine';
import { parseManifests } from '../engine/manifests';

/**
 * Secret hygiene: values planted in env vars, ConfigMaps and Secrets never
 * appear in engine results or in any CLI output format; the key names do.
 */

export const PLANTED = {
  password: 's3cr3t-planted-value',
  awsKeyId: 'AKIAPLANTED1234567XY',
  awsSecret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYPLANTEDKEY',
  pemBody: 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCplanted',
  stringData: 'hunter2-planted-stringdata',
};

const PEM = `-----BEGIN PRIVATE KEY-----\n${PLANTED.pemBody}\n-----END PRIVATE KEY-----`;

export const SECRET_MANIFESTS = `apiVersion: apps/v1
kind: Deployment
metadata: {name: leaky, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: leaky}}
  template:
    metadata: {labels: {app: leaky}}
    spec:
      containers:
        - name: app
          image: registry.example.com/leaky:1.0
          env:
            - {name: PASSWORD, value: ${PLANTED.password}}
            - {name: AWS_ACCESS_KEY_ID, value: ${PLANTED.awsKeyId}}
            - {name: AWS_SECRET_ACCESS_KEY, value: ${JSON.stringify(PLANTED.awsSecret)}}
            - name: TLS_KEY
              value: ${JSON.stringify(PEM)}
          envFrom:
            - configMapRef: {name: leaky-config}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: leaky-config, namespace: shop}
data:
  DB_PASSWORD: ${PLANTED.password}
  aws_secret_access_key: ${JSON.stringify(PLANTED.awsSecret)}
  tls.key: ${JSON.stringify(PEM)}
---
apiVersion: v1
kind: Secret
metadata: {name: creds, namespace: shop}
type: Opaque
stringData: {token: ${PLANTED.stringData}}
data: {password: ${Buffer.from(PLANTED.password).toString('base64')}}
`;

/** Every planted value, plus the forms it could leak in (base64, the PEM body's first line). */
export const PLANTED_FORMS = [
  ...Object.values(PLANTED),
  Buffer.from(PLANTED.password).toString('base64'),
  PLANTED.awsSecret.slice(0, 20),
];

export function expectNoPlanted(text: string, where: string) {
  for (const s of PLANTED_FORMS) {
    if (text.includes(s)) throw new Error(`${where} contains the planted secret ${s.slice(0, 4)}…`);
  }
}

describe('secret hygiene', () => {
  it('the engine flags the planted secrets by key name, never by value', () => {
    const { objects, errors } = parseManifests(SECRET_MANIFESTS, 'leaky.yaml');
    expect(errors).toEqual([]);
    const output = evaluate({ objects, mode: 'manifest' }, builtInChecks, { now: Date.parse('2025-06-01T00:00:00Z') });
    expectNoPlanted(JSON.stringify(output), 'engine output');
    const env = output.results.find(r => r.checkId === 'no-secrets-in-env');
    const cm = output.results.find(r => r.checkId === 'no-secrets-in-configmap');
    expect(env?.status).toBe('fail');
    expect(cm?.status).toBe('fail');
    // the finding names the keys, so it can be acted on
    expect(JSON.stringify(env)).toMatch(/PASSWORD|AWS_SECRET_ACCESS_KEY/);
    expect(JSON.stringify(cm)).toMatch(/DB_PASSWORD|aws_secret_access_key|tls\.key/);
  });

  it.each(['table', 'json', 'sarif', 'junit'])('the CLI never prints a planted value (--format %s)', async format => {
    const tree = tempTree({
      'leaky.yaml': SECRET_MANIFESTS,
      'broken.yaml': `a: [\n${PLANTED.password}: {\n`,
      // a key that is itself a collection: the yaml library's parse-time warning quotes it (issue 12)
      'collection-keys.yaml': [
        `apiVersion: v1\nkind: Secret\nmetadata: {name: k}\nstringData:\n  ? [${PLANTED.stringData}]\n  : x\n`,
        `apiVersion: v1\nkind: Secret\nmetadata: {name: k2}\ndata:\n  {${PLANTED.awsKeyId}: 1}: x\n`,
        `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  [${PLANTED.awsSecret}, b]: x\n`,
      ].join('---\n'),
    });
    const warn = jest.spyOn(process, 'emitWarning');
    try {
      const r = await runInMemory(['scan', '.', '-f', format], { cwd: tree.dir });
      expect(r.code).toBeLessThan(2);
      expect(r.stdout.length).toBeGreaterThan(0);
      expectNoPlanted(r.stdout, `${format} stdout`);
      expectNoPlanted(r.stderr, `${format} stderr`);
      if (format === 'json') expect(r.stdout).toMatch(/DB_PASSWORD|PASSWORD/);
      // the collection keys are named as such, and no process warning quoted them on the real stderr
      expect(r.stderr).toContain('collection-keys.yaml');
      expectNoPlanted(JSON.stringify(warn.mock.calls), 'process warnings');
    } finally {
      warn.mockRestore();
      tree.cleanup();
    }
  });
});
