import { builtInChecks } from '../checks/catalog';
import { evaluate } from '../engine/engine';
import { K8sObject } from '../engine/k8s';

/** Crashes the fuzz tests found, kept as fast unit tests. */

const NOW = Date.parse('2025-06-01T00:00:00Z');

describe('engine regressions found by fuzzing', () => {
  it('a snapshot with non-object entries (null, numbers, strings, arrays) does not throw', () => {
    // was: TypeError "Cannot read properties of null (reading 'kind')" while indexing
    const objects = [null, 7, 'Deployment', [], [{ kind: 'Pod' }], true] as unknown as K8sObject[];
    const output = evaluate({ objects, mode: 'manifest' }, builtInChecks, { now: NOW });
    expect(output.results.length).toBeGreaterThan(0);
    expect(output.results.every(r => r.checkId === 'valid-object' && r.status === 'error')).toBe(true);
  });

  it('objects beside non-object entries are still judged, with their own origins', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'ns' },
      spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] },
    };
    const output = evaluate(
      {
        objects: [null, pod] as unknown as K8sObject[],
        origins: [{ file: 'a.yaml', documentIndex: 0 }, { file: 'a.yaml', documentIndex: 1 }],
        mode: 'manifest',
      },
      builtInChecks,
      { now: NOW },
    );
    const podResults = output.results.filter(r => r.subject.kind === 'Pod' && r.subject.name === 'p');
    expect(podResults.length).toBeGreaterThan(5);
    for (const r of podResults) expect(r.documentIndex).toBe(1);
    expect(output.workloads.map(w => w.ref.name)).toEqual(['p']);
  });

  it('values that cannot be turned into a string (null-prototype objects) give results, not errors', () => {
    // was: "Cannot convert object to primitive value" from String(clusterIP) in statefulset-headless-service
    const odd = () => Object.create(null);
    const objects = [
      {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: 'w', namespace: 'ns' },
        spec: {
          serviceName: 'svc',
          selector: { matchLabels: { app: 'w' } },
          template: {
            metadata: { labels: { app: 'w' } },
            spec: {
              containers: [{ name: 'c', image: 'db:1', securityContext: { readOnlyRootFilesystem: odd() } }],
            },
          },
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'svc', namespace: 'ns' },
        spec: { clusterIP: odd(), selector: { app: odd() }, ports: [{ port: odd() }] },
      },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { name: 'i', namespace: 'ns' },
        spec: { rules: [{ http: { paths: [{ backend: { service: { name: 'svc', port: { name: 'web' } } } }] } }] },
      },
    ] as unknown as K8sObject[];
    for (const mode of ['manifest', 'live'] as const) {
      const output = evaluate({ objects, mode }, builtInChecks, { now: NOW });
      const errors = output.results.filter(r => r.status === 'error').map(r => `${r.checkId}: ${r.message}`);
      expect(errors).toEqual([]);
      expect(output.results.find(r => r.checkId === 'statefulset-headless-service')?.status).toBe('fail');
    }
  });
});
