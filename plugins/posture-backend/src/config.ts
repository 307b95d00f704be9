import os from 'node:os';
import { Config, readDurationFromConfig } from '@backstage/config';
import { HumanDuration, durationToMilliseconds } from '@backstage/types';
import { EngineConfig, resolveEngineConfig } from '@posture-dev/backstage-plugin-posture-node';
import { collectionTaskId } from './scheduling';

export interface KubernetesClusterConfig {
  type: 'kubernetes';
  name: string;
  url?: string;
  caData?: string;
  caFile?: string;
  skipTLSVerify: boolean;
  serviceAccountToken?: string;
  kubeconfig?: string;
  context?: string;
  inCluster: boolean;
  timeoutMs: number;
  pageSize: number;
  /** list Pods and ReplicaSets as PartialObjectMetadataList, fetching in full only those without a controller */
  metadataOnly?: boolean;
  /** ask for gzip-compressed responses (Accept-Encoding: gzip), as kubectl and client-go do; default true */
  compression?: boolean;
}

export interface ManifestsClusterConfig {
  type: 'manifests';
  name: string;
  path: string;
  /** the reader's limits; defaults as the CLI's (10 MB per file, 256 MB in all, 20,000 files) */
  limits?: { maxFileBytes?: number; maxTotalBytes?: number; maxFiles?: number };
}

export type ClusterConfig = KubernetesClusterConfig | ManifestsClusterConfig;

export interface PostureConfig {
  clusters: ClusterConfig[];
  schedule: {
    frequency: HumanDuration;
    timeout: HumanDuration;
    initialDelay: HumanDuration;
  };
  historyRetentionDays: number;
  notifyOnRegression: boolean;
  engine: EngineConfig;
  /** POST /refresh answers 429 this long after it last triggered the collection tasks */
  refreshCooldownMs: number;
  /** an entity gone from the catalog keeps its data this long */
  removalGraceMs: number;
  /** parse and evaluate each cluster in a worker thread */
  workerThreads: boolean;
  /** cluster collections one backend process runs at a time */
  maxConcurrentCollections: number;
  /**
   * resident memory of the backend process, in bytes, within which a further collection may start
   * beside running ones (CollectionGate); undefined: no memory rule
   */
  collectionMemoryBytes?: number;
  /** bytes of gzipped scorecards each backend process keeps in memory */
  entityCacheBytes: number;
}

const MB = 1024 * 1024;

/**
 * A duration read by `readDurationFromConfig` in milliseconds. Backstage's own conversion, so every
 * unit its reader produces counts: `'1w'` and `'P1W'` read as `{ weeks: 1 }`, `'P1M'` as
 * `{ months: 1 }` (30 days), `'1y'` as `{ years: 1 }` (365 days). Adding up units by hand read those
 * as 0: a one-week removal grace period deleted history on the next run.
 */
function durationMs(d: HumanDuration): number {
  return durationToMilliseconds(d);
}

/**
 * The scheduler's task table keys tasks by `varchar(255)` (PostgreSQL and MySQL count characters),
 * and each cluster's task id is `posture-collect:<name>`; a longer id makes `scheduleTask` fail at
 * start-up, so a longer name is refused here, with the limit in the message.
 */
const TASK_ID_MAX_CHARS = 255;
/** characters as the database counts them (code points), not UTF-16 units */
function chars(s: string): number {
  return [...s].length;
}
const TASK_ID_PREFIX = collectionTaskId('');
export const MAX_CLUSTER_NAME_CHARS = TASK_ID_MAX_CHARS - chars(TASK_ID_PREFIX);

function duration(config: Config | undefined, key: string, fallback: HumanDuration): HumanDuration {
  return config?.has(key) ? readDurationFromConfig(config, { key }) : fallback;
}

function readKubernetesCluster(c: Config, name: string): KubernetesClusterConfig {
  const tokenEnv = c.getOptionalString('serviceAccountTokenEnv');
  const token =
    c.getOptionalString('serviceAccountToken') ?? (tokenEnv ? process.env[tokenEnv] : undefined);
  const cluster: KubernetesClusterConfig = {
    type: 'kubernetes',
    name,
    url: c.getOptionalString('url'),
    caData: c.getOptionalString('caData'),
    caFile: c.getOptionalString('caFile'),
    skipTLSVerify: c.getOptionalBoolean('skipTLSVerify') ?? false,
    serviceAccountToken: token,
    kubeconfig: c.getOptionalString('kubeconfig'),
    context: c.getOptionalString('context'),
    inCluster: c.getOptionalBoolean('inCluster') ?? false,
    timeoutMs: durationMs(duration(c, 'timeout', { seconds: 60 })),
    pageSize: c.getOptionalNumber('pageSize') ?? 500,
    metadataOnly: c.getOptionalBoolean('metadataOnly') ?? true,
    compression: c.getOptionalBoolean('compression') ?? true,
  };
  if (!cluster.url && !cluster.kubeconfig && !cluster.inCluster) {
    throw new Error(`posture cluster "${name}": set url, kubeconfig or inCluster`);
  }
  if (tokenEnv && !token) {
    throw new Error(`posture cluster "${name}": environment variable ${tokenEnv} is not set`);
  }
  return cluster;
}

/** Clusters the Backstage kubernetes plugin already knows, so admins configure them once. */
function kubernetesPluginClusters(root: Config): KubernetesClusterConfig[] {
  const out: KubernetesClusterConfig[] = [];
  for (const method of root.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? []) {
    if (method.getString('type') !== 'config') continue;
    for (const c of method.getOptionalConfigArray('clusters') ?? []) {
      if ((c.getOptionalString('authProvider') ?? 'serviceAccount') !== 'serviceAccount') continue;
      out.push(readKubernetesCluster(c, c.getString('name')));
    }
  }
  return out;
}

export function readPostureConfig(root: Config): PostureConfig {
  const p = root.getOptionalConfig('posture');
  const clusters: ClusterConfig[] = [];
  for (const c of p?.getOptionalConfigArray('clusters') ?? []) {
    const name = c.getString('name');
    const type = c.getString('type');
    if (type === 'manifests') clusters.push({ type, name, path: c.getString('path'), ...manifestLimits(c, name) });
    else if (type === 'kubernetes') clusters.push(readKubernetesCluster(c, name));
    else throw new Error(`posture cluster "${name}": unknown type "${type}" (kubernetes or manifests)`);
  }
  if (p?.getOptionalBoolean('useKubernetesClusters') ?? true) {
    for (const c of kubernetesPluginClusters(root)) {
      if (!clusters.some(existing => existing.name === c.name)) clusters.push(c);
    }
  }
  const names = new Set<string>();
  for (const c of clusters) {
    if (names.has(c.name)) throw new Error(`posture cluster name "${c.name}" is used twice`);
    names.add(c.name);
  }
  const tooLong = clusters.filter(c => chars(c.name) > MAX_CLUSTER_NAME_CHARS);
  if (tooLong.length) {
    const list = tooLong.map(c => `"${[...c.name].slice(0, 40).join('')}…" (${chars(c.name)})`).join(', ');
    throw new Error(
      `posture cluster names may be at most ${MAX_CLUSTER_NAME_CHARS} characters long (the scheduler's task id, ` +
        `"${TASK_ID_PREFIX}" and the name, is limited to ${TASK_ID_MAX_CHARS}); too long: ${list}`,
    );
  }
  const schedule = p?.getOptionalConfig('schedule');
  return {
    clusters,
    schedule: {
      frequency: duration(schedule, 'frequency', { minutes: 10 }),
      timeout: duration(schedule, 'timeout', { minutes: 5 }),
      initialDelay: duration(schedule, 'initialDelay', { seconds: 5 }),
    },
    historyRetentionDays: p?.getOptionalNumber('historyRetentionDays') ?? 365,
    notifyOnRegression: p?.getOptionalBoolean('notifyOnRegression') ?? true,
    engine: resolveEngineConfig(p?.getOptional('engine') ?? {}),
    refreshCooldownMs: durationMs(duration(p, 'refreshCooldown', { minutes: 1 })),
    removalGraceMs: durationMs(duration(p, 'removalGracePeriod', { hours: 24 })),
    workerThreads: p?.getOptionalBoolean('workerThreads') ?? true,
    maxConcurrentCollections: wholeNumber(p, 'maxConcurrentCollections', 'posture.maxConcurrentCollections') ?? 2,
    collectionMemoryBytes: collectionMemoryBytes(p),
    entityCacheBytes: (wholeNumber(p, 'entityCacheMegabytes', 'posture.entityCacheMegabytes') ?? 64) * MB,
  };
}

/**
 * `posture.collectionMemoryMegabytes`, or by default three quarters of the memory limit the process
 * runs under (a container's cgroup limit, `process.constrainedMemory()`), leaving the rest to the
 * other plugins and to what one collection may exceed its measured need by; with no limit, none.
 */
function collectionMemoryBytes(p: Config | undefined, constrained = process.constrainedMemory?.() ?? 0): number | undefined {
  const mb = wholeNumber(p, 'collectionMemoryMegabytes', 'posture.collectionMemoryMegabytes');
  if (mb !== undefined) return mb * MB;
  // unconstrained, Node answers 0 or a number beyond the machine's memory
  if (!constrained || !Number.isFinite(constrained) || constrained >= os.totalmem()) return undefined;
  return Math.floor(constrained * 0.75);
}

/** `key` of `c`, a whole number of at least 1 when set; `label` names it in the error */
function wholeNumber(c: Config | undefined, key: string, label: string): number | undefined {
  const v = c?.getOptionalNumber(key);
  if (v !== undefined && (!Number.isInteger(v) || v < 1)) throw new Error(`${label} must be a whole number of at least 1, got ${v}`);
  return v;
}

export { durationMs, collectionMemoryBytes };


/** `limits: {maxFileSizeMb, maxTotalSizeMb, maxFiles}` of a manifests cluster; each a positive whole number. */
function manifestLimits(c: Config, name: string): Pick<ManifestsClusterConfig, 'limits'> {
  const l = c.getOptionalConfig('limits');
  if (!l) return {};
  const positive = (key: string) => wholeNumber(l, key, `posture cluster "${name}": limits.${key}`);
  const fileMb = positive('maxFileSizeMb');
  const totalMb = positive('maxTotalSizeMb');
  const files = positive('maxFiles');
  return {
    limits: {
      ...(fileMb !== undefined ? { maxFileBytes: fileMb * MB } : {}),
      ...(totalMb !== undefined ? { maxTotalBytes: totalMb * MB } : {}),
      ...(files !== undefined ? { maxFiles: files } : {}),
    },
  };
}
