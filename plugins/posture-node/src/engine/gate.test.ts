import { scanManifests } from '../scan';
import { resolveEngineConfig } from './config';

/** The gate judges everything that would be deployed, and a workload cannot exempt itself from what matters. */

const podSpec = `
      hostPID: true
      containers:
        - name: c
          image: registry.example/app@sha256:${'a'.repeat(64)}
          securityContext: {privileged: true}`;

const deployment = (meta: string) => `apiVersion: apps/v1
kind: Deployment
metadata: ${meta}
spec:
  selector: {matchLabels: {app: x}}
  template:
    metadata: {labels: {app: x}}
    spec:${podSpec}
`;

const failing = (text: string, config = resolveEngineConfig({})) =>
  scanManifests([{ file: 'm.yaml', text }], { config, now: Date.parse('2026-01-01') }).results.filter(
    r => r.status === 'fail' && r.checkId === 'pss-privileged',
  );

describe('the gate judges everything that would be deployed', () => {
  it('judges a privileged Deployment inside two Lists', () => {
    const nested = `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: List
    items:
      - ${JSON.stringify({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'deep' },
        spec: { template: { spec: { containers: [{ name: 'c', securityContext: { privileged: true } }] } } },
      })}
`;
    expect(failing(nested).map(r => r.subject.name)).toEqual(['deep']);
  });

  it('judges a Job named only by generateName', () => {
    const job = `apiVersion: batch/v1
kind: Job
metadata: {generateName: migrate-}
spec:
  template:
    spec:${podSpec}
`;
    const out = scanManifests([{ file: 'j.yaml', text: job }]);
    expect(out.results.filter(r => r.checkId === 'valid-object')).toEqual([]);
    expect(out.results.some(r => r.status === 'fail' && r.severity === 'critical')).toBe(true);
    expect(out.workloads.map(w => w.ref.name)).toEqual(['migrate-<generated-1>']);
  });

  it('judges a Pod whose controller is not in the input, and not one whose controller is', () => {
    const pod = `apiVersion: v1
kind: Pod
metadata:
  name: orphan
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: gone, controller: true, uid: u}]
spec:${podSpec.replace(/\n {4}/g, '\n')}
`;
    expect(failing(pod).map(r => r.subject.name)).toEqual(['orphan']);
    const rs = `---
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: gone}
spec: {template: {spec: {containers: [{name: c}]}}}
`;
    expect(failing(pod + rs)).toEqual([]);
  });

  it('says why a numeric metadata.name cannot be read', () => {
    const out = scanManifests([{ file: 'n.yaml', text: deployment('{name: 123}') }]);
    expect(out.results.find(r => r.checkId === 'valid-object')?.message).toBe(
      'Object skipped: its metadata.name is a number, not a string (quote it)',
    );
  });

  it('rejects duplicate keys instead of letting the last one win', () => {
    const text = deployment('{name: d}').replace('{privileged: true}', '\n            privileged: true\n            privileged: false');
    const out = scanManifests([{ file: 'd.yaml', text }]);
    expect(out.objectCount).toBe(0);
    expect(out.parseErrors[0].message).toContain('duplicate key "privileged"');
  });
});

describe('annotation exemptions are bounded by platform config', () => {
  const annotated = (exempt: string, reason: string) =>
    deployment(`
  name: self
  annotations:
    posture.backstage.io/exempt: "${exempt}"
    posture.backstage.io/exempt-reason: "${reason}"`);
  const REASON = 'JIRA-123 legacy agent needs host access';

  it('does not let a wildcard exempt anything by default', () => {
    const [r] = failing(annotated('*', REASON));
    expect(r.message).toContain('"*" is not allowed by config');
  });

  it('does not let an annotation hide a critical check by default', () => {
    const [r] = failing(annotated('pss-privileged', REASON));
    expect(r.message).toContain('critical check can only be exempted in platform config');
  });

  it('requires a reason with a minimum form', () => {
    const config = resolveEngineConfig({ annotationExemptions: { allowCritical: true } });
    const [r] = failing(annotated('pss-privileged', 'x'), config);
    expect(r.message).toContain('must say why in at least 10 characters');
    expect(failing(annotated('pss-privileged', '..........'), config)).toHaveLength(1);
  });

  it('honours what config allows', () => {
    const config = resolveEngineConfig({ annotationExemptions: { allowCritical: true, allowWildcard: true } });
    expect(failing(annotated('*', REASON), config)).toEqual([]);
  });
});
