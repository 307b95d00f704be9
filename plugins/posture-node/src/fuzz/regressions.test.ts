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
});
