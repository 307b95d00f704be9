import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import { createClusterSource } from './clusters/createSource';
import { collectionMemoryBytes, readPostureConfig } from './config';

const config = (cluster: object) => new ConfigReader({ posture: { clusters: [cluster], useKubernetesClusters: false } });

describe('a manifests cluster in app-config', () => {
  it('takes the reader limits, in megabytes and files', () => {
    const c = readPostureConfig(
      config({ type: 'manifests', name: 'gitops', path: 'deploy', limits: { maxFileSizeMb: 40, maxTotalSizeMb: 1024, maxFiles: 50000 } }),
    );
    expect(c.clusters).toEqual([
      {
        type: 'manifests',
        name: 'gitops',
        path: 'deploy',
        limits: { maxFileBytes: 40 * 2 ** 20, maxTotalBytes: 2 ** 30, maxFiles: 50000 },
      },
    ]);
    // without limits, the reader's defaults apply
    expect(readPostureConfig(config({ type: 'manifests', name: 'gitops', path: 'deploy' })).clusters[0]).not.toHaveProperty('limits');
  });

  it.each([0, -1, 1.5])('refuses a limit of %p with the key in the message', v => {
    expect(() => readPostureConfig(config({ type: 'manifests', name: 'gitops', path: 'deploy', limits: { maxFiles: v } }))).toThrow(
      `posture cluster "gitops": limits.maxFiles must be a whole number of at least 1, got ${v}`,
    );
  });

  it('applies them to the collection', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'posture-limits-'));
    try {
      for (let i = 0; i < 3; i++) {
        fs.writeFileSync(path.join(dir, `m${i}.yaml`), `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: m${i}}\n`);
      }
      const [cluster] = readPostureConfig(config({ type: 'manifests', name: 'gitops', path: dir, limits: { maxFiles: 2 } })).clusters;
      await expect(createClusterSource(cluster).collect(new AbortController().signal)).rejects.toThrow(
        'more than 2 manifest files: the input is refused',
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('collection limits of a replica', () => {
  const read = (posture: object) => readPostureConfig(new ConfigReader({ posture: { useKubernetesClusters: false, ...posture } }));

  it('defaults to two collections at a time', () => {
    expect(read({}).maxConcurrentCollections).toBe(2);
    expect(read({ maxConcurrentCollections: 4 }).maxConcurrentCollections).toBe(4);
    expect(read({}).entityCacheBytes).toBe(64 * 1024 * 1024);
    expect(read({ entityCacheMegabytes: 256 }).entityCacheBytes).toBe(256 * 1024 * 1024);
    expect(() => read({ entityCacheMegabytes: 0.5 })).toThrow('posture.entityCacheMegabytes must be a whole number of at least 1, got 0.5');
  });

  it('takes a memory budget for collections from config, or from the memory limit the process runs under', () => {
    const MB = 1024 * 1024;
    expect(read({ collectionMemoryMegabytes: 1400 }).collectionMemoryBytes).toBe(1400 * MB);
    expect(() => read({ collectionMemoryMegabytes: 0 })).toThrow('posture.collectionMemoryMegabytes must be a whole number of at least 1, got 0');
    const posture = new ConfigReader({});
    // a container limit of 2 GB: three quarters of it
    expect(collectionMemoryBytes(posture, 2048 * MB)).toBe(1536 * MB);
    // no limit: Node answers 0, or a number beyond the machine's memory
    expect(collectionMemoryBytes(posture, 0)).toBeUndefined();
    expect(collectionMemoryBytes(posture, 2 ** 64)).toBeUndefined();
    expect(collectionMemoryBytes(new ConfigReader({ collectionMemoryMegabytes: 900 }), 2048 * MB)).toBe(900 * MB);
  });

  it.each([0, -1, 2.5])('refuses posture.maxConcurrentCollections of %p', v => {
    expect(() => read({ maxConcurrentCollections: v })).toThrow(`posture.maxConcurrentCollections must be a whole number of at least 1, got ${v}`);
  });
});

describe('a kubernetes cluster in app-config', () => {
  const k8s = (extra: object) => readPostureConfig(config({ type: 'kubernetes', name: 'prod', url: 'https://k8s.example', ...extra })).clusters[0];
  it('asks for gzip and metadata-only lists unless told not to', () => {
    expect(k8s({})).toMatchObject({ compression: true, metadataOnly: true });
    expect(k8s({ compression: false, metadataOnly: false })).toMatchObject({ compression: false, metadataOnly: false });
  });
});
