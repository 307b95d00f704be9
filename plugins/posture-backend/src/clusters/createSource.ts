import { ClusterConfig } from '../config';
import { KubernetesClusterSource } from './kubernetesSource';
import { ManifestsClusterSource } from './manifestsSource';
import { ClusterSource } from './types';

export function createClusterSource(config: ClusterConfig): ClusterSource {
  return config.type === 'manifests'
    ? new ManifestsClusterSource(config)
    : new KubernetesClusterSource(config);
}
