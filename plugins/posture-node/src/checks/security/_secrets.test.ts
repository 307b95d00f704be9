import { resolveEngineConfig } from '../../engine/config';
import { evaluate } from '../../engine/engine';
import { parseManifests } from '../../engine/manifests';
import { credentialInValue, embeddedSecrets, isPlaceholder, isSensitiveName } from './_secrets';
import envCheck from './no-secrets-in-env';
import configMapCheck from './no-secrets-in-configmap';
import secretsAsFiles from './secrets-as-files';

describe('isSensitiveName', () => {
  it.each([
    'password',
    'DB_PASSWORD',
    'dbPassword',
    'spring.datasource.password',
    'AWS_SECRET_ACCESS_KEY',
    'AZURE_BATCH_KEY',
    'OCI_CLI_KEY_CONTENT',
    'GITHUB_TOKEN',
    'refresh-token',
    'API_KEY',
    'apiKey',
    'APIKey',
    'PRIVATE_KEY',
    'client_secret',
    'GOOGLE_APPLICATION_CREDENTIALS',
    'tls.key',
  ])('%s holds a credential', name => expect(isSensitiveName(name)).toBe(true));

  it.each([
    'DB_PASSWORD_FILE',
    'SECRET_NAME',
    'secretName',
    'TOKEN_URL',
    'tokenTTL',
    'AWS_ACCESS_KEY_ID',
    'TOKENIZER',
    'PASSWORDLESS_LOGIN',
    'CACHE_KEY',
    'PWD',
    'a_key',
    '',
  ])('%s does not', name => expect(isSensitiveName(name)).toBe(false));
});

describe('isPlaceholder', () => {
  it.each(['', '  ', '$(DB_PASSWORD)', '${DB_PASSWORD}', '{{ .Values.pw }}', '<password>', 'true', '/run/secrets/pw', '****', '$oidc.clientSecret'])(
    '%p is a placeholder',
    v => expect(isPlaceholder(v)).toBe(true),
  );
  it.each(['hunter2', '12345', 'changeme', 'p@ss word'])('%p is a literal', v => expect(isPlaceholder(v)).toBe(false));
});

describe('credentialInValue', () => {
  it('finds key material and tokens by shape', () => {
    expect(credentialInValue('-----BEGIN EC PRIVATE KEY-----\nabc')).toBe('a private key');
    expect(credentialInValue('---BEGIN OPENSSH PRIVATE KEY---')).toBe('a private key');
    expect(credentialInValue(`ghp_${'a'.repeat(36)}`)).toBe('a GitHub token');
    expect(credentialInValue('redis://:s3cret@cache:6379')).toBe('a password in a URL');
    expect(credentialInValue('amqp://app:s3cret@mq:5672/')).toBe('a password in a URL');
    expect(credentialInValue('Server=db;User Id=app;Password=s3cret;')).toBe('a password in a connection string');
  });
  it('ignores public material and placeholders', () => {
    expect(credentialInValue('-----BEGIN CERTIFICATE-----')).toBeUndefined();
    expect(credentialInValue('-----BEGIN PUBLIC KEY-----')).toBeUndefined();
    expect(credentialInValue('postgres://app:${DB_PASSWORD}@db/app')).toBeUndefined();
    expect(credentialInValue('https://example.com/path?x=1')).toBeUndefined();
  });
});

describe('embeddedSecrets', () => {
  it('reads YAML, properties, JSON and .env lines', () => {
    const text = [
      'db:',
      '  user: app',
      '  password: hunter2 # rotate me',
      'auth.token=abc',
      '"clientSecret": "xyz",',
      'export API_KEY=k',
      'tokenUrl: https://auth/token',
      'password: ""',
      'secret: |',
    ].join('\n');
    expect(embeddedSecrets(text)).toEqual([
      { key: 'password', line: 3 },
      { key: 'auth.token', line: 4 },
      { key: 'clientSecret', line: 5 },
      { key: 'API_KEY', line: 6 },
    ]);
  });
});

describe('secret values never leave the engine', () => {
  const SECRETS = ['hunter2-Very-Secret', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'Sup3rS3cret!', 'MIIEvQIBADANBgkq'];
  const yaml = `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: a
      image: a:1
      env:
        - {name: DB_PASSWORD, value: ${SECRETS[0]}}
        - {name: GH, value: ${SECRETS[1]}}
        - {name: DATABASE_URL, value: "postgres://app:${SECRETS[2]}@db/app"}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: c}
data:
  db_password: ${SECRETS[0]}
  app.properties: |
    db.password=${SECRETS[2]}
  key.pem: |
    -----BEGIN PRIVATE KEY-----
    ${SECRETS[3]}
    -----END PRIVATE KEY-----
`;
  it('reports failures with names and masks only', () => {
    const parsed = parseManifests(yaml);
    expect(parsed.errors).toEqual([]);
    const out = evaluate({ objects: parsed.objects, mode: 'manifest' }, [envCheck, configMapCheck, secretsAsFiles], {
      config: resolveEngineConfig({}),
      now: 0,
    });
    const failing = out.results.filter(r => r.status === 'fail').map(r => r.checkId).sort();
    expect(failing).toEqual(['no-secrets-in-configmap', 'no-secrets-in-env']);
    const text = JSON.stringify(out.results);
    for (const s of SECRETS) expect(text).not.toContain(s);
    expect(text).toContain('DB_PASSWORD');
    expect(text).toContain('****');
  });
});
