import { Config, readDurationFromConfig } from '@backstage/config';
import { HumanDuration, durationToMilliseconds } from '@backstage/types';

/** `posture.metrics.prometheus`: where measured use comes from. Off when absent. */
export interface PrometheusConfig {
  /** base URL, e.g. http://prometheus.monitoring:9090 (no credentials in it) */
  url: string;
  /** the Authorization header's value, read from the environment variable `authHeaderEnv`; never logged */
  authHeader?: string;
  windowSeconds: number;
  /** subquery resolution */
  stepSeconds: number;
  /** a label that tells clusters apart in a shared Prometheus (e.g. `cluster`) */
  clusterLabel?: string;
  /** per Posture cluster, that label's value when it is not the cluster's name */
  clusterLabelValues: Record<string, string>;
  /** Posture clusters this Prometheus serves; default every `kubernetes` cluster */
  clusters?: string[];
  timeoutMs: number;
  /** responses above this size are refused, so a huge answer cannot exhaust memory */
  maxResponseBytes: number;
}

/** Backstage's own conversion, so that every unit its reader gives counts ('P1M' is 30 days, not 0). */
function seconds(d: HumanDuration): number {
  return Math.round(durationToMilliseconds(d) / 1e3);
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function readPrometheusConfig(root: Config): PrometheusConfig | undefined {
  const c = root.getOptionalConfig('posture.metrics.prometheus');
  if (!c) return undefined;
  const url = c.getString('url');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('posture.metrics.prometheus.url is not a URL');
  }
  if (parsed.username || parsed.password)
    throw new Error('posture.metrics.prometheus.url must not hold credentials; use authHeaderEnv');
  const env = c.getOptionalString('authHeaderEnv');
  const authHeader = env ? process.env[env] : undefined;
  if (env && !authHeader)
    throw new Error(`posture.metrics.prometheus: environment variable ${env} is not set`);
  const clusterLabel = c.getOptionalString('clusterLabel');
  if (clusterLabel !== undefined && !LABEL_NAME.test(clusterLabel))
    throw new Error('posture.metrics.prometheus.clusterLabel is not a Prometheus label name');
  const dur = (key: string, fallback: HumanDuration) =>
    seconds(c.has(key) ? readDurationFromConfig(c, { key }) : fallback);
  const windowSeconds = dur('window', { days: 7 });
  const stepSeconds = dur('step', { minutes: 5 });
  if (windowSeconds < 60 || stepSeconds < 1 || stepSeconds > windowSeconds)
    throw new Error('posture.metrics.prometheus: window must be at least a minute and step within it');
  const timeoutSeconds = dur('timeout', { seconds: 30 });
  if (timeoutSeconds < 1) throw new Error('posture.metrics.prometheus: timeout must be at least a second');
  const values = c.getOptionalConfig('clusterLabelValues');
  const clusterLabelValues: Record<string, string> = {};
  for (const k of values?.keys() ?? []) clusterLabelValues[k] = values!.getString(k);
  return {
    url: url.replace(/\/+$/, ''),
    authHeader,
    windowSeconds,
    stepSeconds,
    clusterLabel,
    clusterLabelValues,
    clusters: c.getOptionalStringArray('clusters'),
    timeoutMs: timeoutSeconds * 1000,
    maxResponseBytes: (c.getOptionalNumber('maxResponseMegabytes') ?? 64) * 2 ** 20,
  };
}

/** `7d`, `36h`, `90m`: the window as evidence shows it. */
export function windowLabel(s: number): string {
  if (s % 86400 === 0) return `${s / 86400}d`;
  if (s % 3600 === 0) return `${s / 3600}h`;
  if (s % 60 === 0) return `${s / 60}m`;
  return `${s}s`;
}
