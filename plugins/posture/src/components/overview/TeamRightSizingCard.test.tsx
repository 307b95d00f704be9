import { screen, within } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { RightSizingResponse } from '@posture-dev/backstage-plugin-posture-common';
import { postureApiRef } from '../../api';
import { mockPostureApi, responseError } from '../../testUtils/fixtures';
import { TeamRightSizingCard } from './TeamRightSizingCard';

const GI = 2 ** 30;
const RESPONSE: RightSizingResponse = {
  teams: [
    {
      owner: 'group:default/team-payments',
      services: 2,
      requested: { cpuCores: 8, memoryBytes: 16 * GI },
      overRequested: { cpuCores: 3, memoryBytes: 8.8 * GI },
    },
    { owner: null, services: 1, requested: { cpuCores: 1, memoryBytes: GI }, overRequested: { cpuCores: 0.05, memoryBytes: 0 } },
  ],
  total: { services: 3, requested: { cpuCores: 9, memoryBytes: 17 * GI }, overRequested: { cpuCores: 3.05, memoryBytes: 8.8 * GI } },
};

async function render(api: ReturnType<typeof mockPostureApi>) {
  const catalogApi = catalogApiMock({
    entities: [
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Group',
        metadata: { name: 'team-payments', namespace: 'default' },
        spec: { type: 'team', children: [], profile: { displayName: 'Payments' } },
      },
    ],
  });
  await renderInTestApp(
    <TestApiProvider apis={[[postureApiRef, api], [catalogApiRef, catalogApi]]}>
      <TeamRightSizingCard query={{ owner: ['group:default/team-payments'], lifecycle: ['production'] }} />
      <div>rendered</div>
    </TestApiProvider>,
  );
  await screen.findByText('rendered');
}

describe('TeamRightSizingCard', () => {
  it('gives the over-requested CPU and memory per team, by display name, with shares and a total', async () => {
    const api = mockPostureApi({ getRightSizing: jest.fn().mockResolvedValue(RESPONSE) });
    await render(api);
    expect(await screen.findByTestId('posture-rightsizing-summary')).toHaveTextContent(
      '3.05 cores of CPU and 8.8 GiB of memory are requested above use, across 3 measured services.',
    );
    // the overview's filters are passed on
    expect(api.getRightSizing).toHaveBeenCalledWith({ owner: ['group:default/team-payments'], lifecycle: ['production'] });
    const rows = screen.getAllByTestId('posture-rightsizing-team');
    expect(await within(rows[0]).findByText('Payments')).toBeInTheDocument();
    expect(rows[0]).toHaveTextContent('3 cores (38 %)');
    expect(rows[0]).toHaveTextContent('8.8 GiB (55 %)');
    expect(rows[1]).toHaveTextContent('No owner');
    expect(rows[1]).toHaveTextContent('50m (5 %)');
    expect(screen.getByTestId('posture-rightsizing-total')).toHaveTextContent('All teams');
  });

  it('shows nothing when no service has a usage source', async () => {
    const api = mockPostureApi({
      getRightSizing: jest.fn().mockResolvedValue({
        teams: [],
        total: { services: 0, requested: { cpuCores: 0, memoryBytes: 0 }, overRequested: { cpuCores: 0, memoryBytes: 0 } },
      }),
    });
    await render(api);
    expect(api.getRightSizing).toHaveBeenCalled();
    expect(screen.queryByText('Over-requested per team')).not.toBeInTheDocument();
  });

  it('says what failed when the request fails', async () => {
    const api = mockPostureApi({ getRightSizing: jest.fn().mockRejectedValue(await responseError(500, 'database down')) });
    await render(api);
    expect(await screen.findByText(/right-sizing estimate/)).toBeInTheDocument();
  });
});
