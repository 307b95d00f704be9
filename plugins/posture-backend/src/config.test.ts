import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import { createClusterSource } from './clusters/createSource';
import { MAX_CLUSTER_NAME_CHARS, collectionMemoryBytes, durationMs, readPostureConfig } from './config';
import { collectionTaskId, staggeredDelay } from './scheduling';

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

describe('durations in weeks, months and years', () => {
  const DAY = 24 * 60 * 60 * 1000;
  const read = (posture: object) => readPostureConfig(new ConfigReader({ posture: { useKubernetesClusters: false, ...posture } }));
  // every form Backstage's readDurationFromConfig reads; a month is 30 days (durationToMilliseconds)
  const forms: [string, unknown, number][] = [
    ["'1w'", '1w', 7 * DAY],
    ["'P1W'", 'P1W', 7 * DAY],
    ["'P1M'", 'P1M', 30 * DAY],
    ['{ weeks: 1 }', { weeks: 1 }, 7 * DAY],
  ];

  it.each(forms)('reads posture.removalGracePeriod: %s', (_, value, ms) => {
    expect(read({ removalGracePeriod: value }).removalGraceMs).toBe(ms);
  });

  it.each(forms)('reads posture.refreshCooldown: %s', (_, value, ms) => {
    expect(read({ refreshCooldown: value }).refreshCooldownMs).toBe(ms);
  });

  it.each(forms)("reads a kubernetes cluster's timeout: %s", (_, value, ms) => {
    const c = read({ clusters: [{ type: 'kubernetes', name: 'prod', url: 'https://k8s.example', timeout: value }] });
    expect(c.clusters[0]).toMatchObject({ timeoutMs: ms });
  });

  it.each(forms)('reads posture.schedule.frequency: %s, for staleness and the spread of first runs', (_, value, ms) => {
    const { schedule } = read({ schedule: { frequency: value, initialDelay: { seconds: 5 } } });
    // plugin.ts: stale after two intervals; refresher.ts: a run within the last interval
    expect(durationMs(schedule.frequency)).toBe(ms);
    // two clusters: the second's first run half an interval after the first's
    expect(staggeredDelay(schedule, 1, 2)).toEqual({ milliseconds: 5_000 + ms / 2 });
  });

  it.each(forms)('reads posture.schedule.timeout and initialDelay: %s', (_, value, ms) => {
    const { schedule } = read({ schedule: { timeout: value, initialDelay: value } });
    expect(durationMs(schedule.timeout)).toBe(ms);
    expect(staggeredDelay(schedule, 0, 1)).toEqual({ milliseconds: ms });
  });

  it('still refuses what Backstage refuses', () => {
    expect(() => read({ removalGracePeriod: '-1w' })).toThrow(/Negative durations are not allowed/);
    expect(() => read({ refreshCooldown: '5' })).toThrow(/cannot be a plain number/);
  });
});

describe('cluster names and the scheduler', () => {
  const read = (posture: object) => readPostureConfig(new ConfigReader({ posture: { useKubernetesClusters: false, ...posture } }));
  const manifests = (name: string) => ({ type: 'manifests', name, path: 'deploy' });

  it("accepts names whose task id fits the scheduler's varchar(255), counted in characters", () => {
    expect(MAX_CLUSTER_NAME_CHARS).toBe(255 - 'posture-collect:'.length);
    const longest = 'a'.repeat(MAX_CLUSTER_NAME_CHARS);
    expect(collectionTaskId(longest)).toHaveLength(255);
    // an emoji is one character to the database, though two UTF-16 units to JavaScript
    const emoji = '😀'.repeat(MAX_CLUSTER_NAME_CHARS);
    expect(read({ clusters: [manifests(longest), manifests(emoji)] }).clusters.map(c => c.name)).toEqual([longest, emoji]);
  });

  it('refuses a longer name with one error naming the limit, from posture.clusters or the kubernetes plugin', () => {
    const name = 'b'.repeat(MAX_CLUSTER_NAME_CHARS + 1);
    const message = /posture cluster names may be at most 239 characters long .*limited to 255\); too long: "b{40}…" \(240\)/;
    expect(() => read({ clusters: [manifests('ok'), manifests(name)] })).toThrow(message);
    const viaKubernetesPlugin = new ConfigReader({
      kubernetes: {
        clusterLocatorMethods: [{ type: 'config', clusters: [{ name, url: 'https://k8s.example', serviceAccountToken: 't' }] }],
      },
    });
    expect(() => readPostureConfig(viaKubernetesPlugin)).toThrow(message);
  });
});
