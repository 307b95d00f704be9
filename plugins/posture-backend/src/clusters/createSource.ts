import { ClusterConfig } from '../config';
import { KubernetesClusterSource } from './kubernetesSource';
import { ManifestsClusterSource } from './manifestsSource';
import { PrometheusConfig } from './prometheusConfig';
import { ClusterSource } from './types';
import { PrometheusUsageSource, prometheusServes } from './usageSource';

export function createClusterSource(config: ClusterConfig, prometheus?: PrometheusConfig): ClusterSource {
  const source =
    config.type === 'manifests'
      ? new ManifestsClusterSource(config, undefined, config.limits)
      : new KubernetesClusterSource(config);
  return prometheus && prometheusServes(prometheus, config)
    ? new PrometheusUsageSource(source, prometheus)
    : source;
}
