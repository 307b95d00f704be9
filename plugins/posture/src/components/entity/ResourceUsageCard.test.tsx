import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { ClusterScorecard, WorkloadResources } from '@posture-dev/backstage-plugin-posture-common';
import { ResourceUsageCard } from './ResourceUsageCard';

const MI = 2 ** 20;
const checkout: WorkloadResources = {
  workload: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'checkout' },
  replicas: 3,
  replicasFrom: 'spec.replicas',
  source: 'prometheus',
  window: '7d',
  containers: [
    {
      name: 'app',
      requests: { cpu: 2, memory: 1024 * MI },
      limits: { memory: 2048 * MI },
      used: { cpuP95: 0.1, cpuMax: 0.4, memoryP95: 300 * MI, memoryMax: 512 * MI },
    },
    { name: 'proxy', requests: { cpu: 0.1 }, limits: {}, used: {} },
  ],
};

function cluster(name: string, resources?: WorkloadResources[]): ClusterScorecard {
  return {
    cluster: name,
    collectedAt: '2026-12-01T00:00:00.000Z',
    stale: false,
    error: null,
    workloads: [checkout.workload],
    scorecard: {} as ClusterScorecard['scorecard'],
    ...(resources ? { resources } : {}),
  };
}

describe('ResourceUsageCard', () => {
  it('shows requested against used per container and what the service reserves and does not use', async () => {
    await renderInTestApp(<ResourceUsageCard clusters={[cluster('prod-eu', [checkout]), cluster('dev')]} />);
    // (2 - 0.1) cores and (1024 - 512) MiB per pod, three pods
    expect(screen.getByTestId('posture-over-request')).toHaveTextContent(
      'Reserved and not used, over 3 pods: 5.7 cores of CPU and 1.5 GiB of memory.',
    );
    const [app, proxy] = screen.getAllByTestId('posture-resources-row');
    expect(app).toHaveTextContent('Deployment checkout');
    expect(app).toHaveTextContent('prod-eu · shop · 3 pods (spec.replicas)');
    expect(app).toHaveTextContent('Prometheus, 7d');
    expect(within(app).getByLabelText('app CPU p95 use: 5 % of the request')).toBeInTheDocument();
    expect(within(app).getByLabelText('app peak memory use: 50 % of the request')).toBeInTheDocument();
    expect(app).toHaveTextContent('limit 2 GiB');
    // nothing measured for the proxy: dashes, not zeros
    expect(proxy).toHaveTextContent('proxy0.1 cores–––––');
  });

  it('renders nothing without a usage source', async () => {
    await renderInTestApp(
      <div>
        <ResourceUsageCard clusters={[cluster('dev')]} />
        rendered
      </div>,
    );
    expect(screen.getByText('rendered')).toBeInTheDocument();
    expect(screen.queryByText('Requested vs used')).not.toBeInTheDocument();
  });
});
