import { K8sObject } from '@posture-dev/backstage-plugin-posture-node';
import { PrometheusClient, QUERY_COUNT, readPrometheusUsage } from './prometheus';
import { PrometheusConfig } from './prometheusConfig';
import { ClusterSource, CollectedSnapshot, countByKind } from './types';

/**
 * A cluster source whose snapshot also carries measured use from Prometheus
 * (one WorkloadUsage object per workload), so the engine judges it like any
 * other object. Prometheus failing does not fail the collection: the
 * configuration checks still run, the usage checks are not applicable, and
 * the cluster status carries the warning.
 */
export class PrometheusUsageSource implements ClusterSource {
  readonly name: string;
  readonly type: ClusterSource['type'];
  readonly timeoutMs: number;
  private readonly client: PrometheusClient;

  constructor(
    private readonly inner: ClusterSource,
    private readonly config: PrometheusConfig,
    fetchImpl?: typeof fetch,
  ) {
    this.name = inner.name;
    this.type = inner.type;
    this.timeoutMs = inner.timeoutMs;
    this.client = new PrometheusClient(config, fetchImpl);
  }

  async collect(signal: AbortSignal): Promise<CollectedSnapshot> {
    const snapshot = await this.inner.collect(signal);
    try {
      const usage = await readPrometheusUsage(this.client, this.config, this.name, snapshot.objects, { signal });
      const objects: K8sObject[] = snapshot.objects.slice();
      for (const o of usage.objects) objects.push(o);
      return {
        ...snapshot,
        objects,
        objectCounts: countByKind(objects),
        warnings: snapshot.warnings.concat(usage.warnings),
      };
    } catch (e) {
      if (signal.aborted) throw e;
      const why = e instanceof Error ? e.message : String(e);
      return {
        ...snapshot,
        warnings: snapshot.warnings.concat(`Prometheus (${QUERY_COUNT} queries): ${why}; usage checks are not applicable this run`),
      };
    }
  }
}

/** Whether this Prometheus serves the cluster: the listed clusters, else every live one. */
export function prometheusServes(config: PrometheusConfig, cluster: { name: string; type: string }): boolean {
  return config.clusters ? config.clusters.includes(cluster.name) : cluster.type === 'kubernetes';
}
