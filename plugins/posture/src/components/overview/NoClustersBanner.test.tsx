import { screen } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { postureApiRef } from '../../api';
import { mockPostureApi, responseError } from '../../testUtils/fixtures';
import { NoClustersBanner } from './NoClustersBanner';

async function render(api: ReturnType<typeof mockPostureApi>) {
  await renderInTestApp(
    <TestApiProvider apis={[[postureApiRef, api]]}>
      <NoClustersBanner />
      <div>rendered</div>
    </TestApiProvider>,
  );
  await screen.findByText('rendered');
}

describe('NoClustersBanner', () => {
  it('says that no cluster is configured and where to configure one', async () => {
    const api = mockPostureApi({ getSetup: jest.fn().mockResolvedValue({ clustersConfigured: 0 }) });
    await render(api);
    expect(await screen.findByText(/No cluster is configured, so nothing is scored yet/)).toBeInTheDocument();
    expect(screen.getByText('posture.clusters')).toBeInTheDocument();
  });

  it('shows nothing once a cluster is configured', async () => {
    const api = mockPostureApi({ getSetup: jest.fn().mockResolvedValue({ clustersConfigured: 2 }) });
    await render(api);
    await Promise.resolve();
    expect(api.getSetup).toHaveBeenCalled();
    expect(screen.queryByText(/No cluster is configured/)).not.toBeInTheDocument();
  });

  it('shows nothing when the backend cannot say (an older backend without GET /setup)', async () => {
    const api = mockPostureApi({ getSetup: jest.fn().mockRejectedValue(await responseError(404)) });
    await render(api);
    expect(api.getSetup).toHaveBeenCalled();
    expect(screen.queryByText(/No cluster is configured/)).not.toBeInTheDocument();
  });
});
