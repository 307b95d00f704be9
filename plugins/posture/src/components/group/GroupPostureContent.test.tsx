import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { EntityProvider, entityRouteRef } from '@backstage/plugin-catalog-react';
import { PostureApi } from '@posture-dev/backstage-plugin-posture-common';
import { postureApiRef } from '../../api';
import { GROUP_ROLLUP, groupEntity, mockPostureApi, responseError } from '../../testUtils/fixtures';
import { GroupPostureContent } from './GroupPostureContent';

async function renderTeam(api: PostureApi) {
  await renderInTestApp(
    <TestApiProvider apis={[[postureApiRef, api]]}>
      <EntityProvider entity={groupEntity}>
        <GroupPostureContent />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

describe('GroupPostureContent', () => {
  it("shows the team's services, averages, levels and most failed checks", async () => {
    const api = mockPostureApi();
    await renderTeam(api);
    expect(api.getGroupRollup).toHaveBeenCalledWith({ namespace: 'default', name: 'team-a' });
    expect(await screen.findByTestId('posture-gauge-scalability')).toHaveAttribute('data-score', '76');
    expect(screen.getByTestId('posture-gauge-security')).toHaveAttribute('data-score', '90');
    expect(screen.getByTestId('posture-grade-overall')).toHaveTextContent('B');

    const links = screen.getAllByTestId('posture-group-entity');
    expect(links.map(l => l.getAttribute('href'))).toEqual([
      '/catalog/default/component/checkout/posture',
      '/catalog/default/component/cart/posture',
    ]);

    const levels = screen.getByTestId('posture-distribution-group-levels');
    expect(levels.querySelector('[data-bucket="Gold"]')).toHaveAttribute('data-count', '1');
    expect(levels.querySelector('[data-bucket="Bronze"]')).toHaveAttribute('data-count', '1');

    const worst = screen.getAllByTestId('posture-worst-check');
    expect(worst.map(w => w.getAttribute('data-check-id'))).toEqual(['replicas', 'image-tag']);
    expect(worst[0]).toHaveTextContent('fails on 2 services');
    expect(within(worst[0]).getByRole('link', { name: 'cart' })).toHaveAttribute(
      'href',
      '/catalog/default/component/cart/posture',
    );
  });

  it('says when no check fails', async () => {
    await renderTeam(mockPostureApi({ getGroupRollup: jest.fn().mockResolvedValue({ ...GROUP_ROLLUP, worstChecks: [] }) }));
    expect(await screen.findByText("No check fails on this team's services.")).toBeInTheDocument();
  });

  it('shows "no permission" on a 403', async () => {
    await renderTeam(mockPostureApi({ getGroupRollup: jest.fn().mockRejectedValue(await responseError(403)) }));
    expect(await screen.findByTestId('posture-permission-denied')).toBeInTheDocument();
  });

  it('retries after an error', async () => {
    const getGroupRollup = jest
      .fn()
      .mockRejectedValueOnce(new Error('timeout'))
      .mockResolvedValueOnce(GROUP_ROLLUP);
    await renderTeam(mockPostureApi({ getGroupRollup }));
    expect(await screen.findByTestId('posture-error')).toHaveTextContent('timeout');
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByTestId('posture-gauge-overall')).toBeInTheDocument();
  });
});
