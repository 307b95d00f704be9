import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import { openApiRoutes, startPosture } from './service/testBackend';

jest.setTimeout(60_000);

/**
 * Secret hygiene end to end: secrets planted in a manifests cluster are
 * collected, scored, stored and served; no API response and no log line may
 * contain a planted value.
 */

const PLANTED = {
  password: 's3cr3t-planted-value',
  awsKeyId: 'AKIAPLANTED1234567XY',
  awsSecret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYPLANTEDKEY',
  pemBody: 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCplanted',
  stringData: 'hunter2-planted-stringdata',
};
const PEM = `-----BEGIN PRIVATE KEY-----\n${PLANTED.pemBody}\n-----END PRIVATE KEY-----`;
const FORMS = [...Object.values(PLANTED), Buffer.from(PLANTED.password).toString('base64')];

const MANIFESTS = `apiVersion: apps/v1
kind: Deployment
metadata: {name: leaky, namespace: shop, labels: {backstage.io/kubernetes-id: leaky}}
spec:
  replicas: 2
  selector: {matchLabels: {app: leaky}}
  template:
    metadata: {labels: {app: leaky, backstage.io/kubernetes-id: leaky}}
    spec:
      containers:
        - name: app
          image: registry.example.com/leaky:1.0
          env:
            - {name: PASSWORD, value: ${PLANTED.password}}
            - {name: AWS_ACCESS_KEY_ID, value: ${PLANTED.awsKeyId}}
            - {name: AWS_SECRET_ACCESS_KEY, value: ${JSON.stringify(PLANTED.awsSecret)}}
            - {name: TLS_KEY, value: ${JSON.stringify(PEM)}}
          envFrom: [{configMapRef: {name: leaky-config}}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: leaky-config, namespace: shop, labels: {backstage.io/kubernetes-id: leaky}}
data:
  DB_PASSWORD: ${PLANTED.password}
  aws_secret_access_key: ${JSON.stringify(PLANTED.awsSecret)}
  tls.key: ${JSON.stringify(PEM)}
---
apiVersion: v1
kind: Secret
metadata: {name: creds, namespace: shop}
stringData: {token: ${PLANTED.stringData}}
data: {password: ${Buffer.from(PLANTED.password).toString('base64')}}
`;

const LEAKY = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'leaky', namespace: 'default', annotations: { 'backstage.io/kubernetes-id': 'leaky' } },
  spec: { type: 'service', owner: 'group:default/team-a', lifecycle: 'production' },
};

function expectClean(text: string, where: string) {
  for (const s of FORMS) {
    if (text.includes(s)) throw new Error(`${where} contains the planted secret ${s.slice(0, 4)}…`);
  }
}

describe('secret hygiene of the backend', () => {
  it('no API response and no log line contains a planted value', async () => {
    const warn = jest.spyOn(process, 'emitWarning');
    const t = await startPosture({
      manifests: {
        'apps/leaky.yaml': MANIFESTS,
        'apps/broken.yaml': `a: [\n${PLANTED.password}: {\n`,
        // keys that are themselves collections: the yaml library's warning quotes them (issue 12)
        'apps/collection-keys.yaml': [
          `apiVersion: v1\nkind: Secret\nmetadata: {name: k, namespace: shop}\nstringData:\n  ? [${PLANTED.stringData}]\n  : x\n`,
          `apiVersion: v1\nkind: Secret\nmetadata: {name: k2, namespace: shop}\ndata:\n  {${PLANTED.awsKeyId}: 1}: x\n`,
          `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: shop, labels: {backstage.io/kubernetes-id: leaky}}\ndata:\n  [${PLANTED.awsSecret}, b]: x\n`,
        ].join('---\n'),
      },
      catalogEntities: [LEAKY],
      defaultCredentials: mockCredentials.user(),
      // every route is called once, POST /refresh a second time, and /campaigns/{id} needs a campaign
      postureConfig: {
        refreshCooldown: { seconds: 0 },
        campaigns: [{ id: 'leaky', title: 'Leaky', target: { level: 'Silver' }, deadline: '2027-03-31' }],
      },
    });
    try {
      const refresh = await request(t.server).post('/api/posture/refresh');
      expect(refresh.status).toBe(202);
      const card = await request(t.server).get('/api/posture/entities/component/default/leaky');
      expect(card.status).toBe(200);
      // the collection did see the planted secrets: the findings are there, by key name
      const env = card.body.results.find((r: any) => r.checkId === 'no-secrets-in-env');
      expect(env?.status).toBe('fail');
      expect(JSON.stringify(env)).toMatch(/PASSWORD/);

      const routes = openApiRoutes({ kind: 'component', namespace: 'default', name: 'leaky', id: 'leaky' });
      for (const route of routes) {
        const p = route.template.startsWith('/groups/') ? '/groups/default/team-a' : route.path;
        const r = await request(t.server)[route.method](`/api/posture${p}`);
        expect(r.status).toBeLessThan(300);
        expectClean(r.text, `${route.method.toUpperCase()} ${route.template}`);
      }
      expect(t.logs.length).toBeGreaterThan(0);
      // the collection-key file was read and refused (a warning naming the file), not skipped
      expect(JSON.stringify(t.logs)).toContain('collection-keys.yaml');
      expectClean(JSON.stringify(t.logs), 'the logs');
      expectClean(JSON.stringify(warn.mock.calls), 'process warnings');
    } finally {
      warn.mockRestore();
      await t.stop();
    }
  });
});
