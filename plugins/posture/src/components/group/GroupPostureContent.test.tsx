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
    expect(api.getGroupRollup).toHaveBeenCalledWith({ namespace: 'default', name: 'team-a' }, { scope: 'tree' });
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

  it('says when no check fails, and over how many scored services', async () => {
    await renderTeam(mockPostureApi({ getGroupRollup: jest.fn().mockResolvedValue({ ...GROUP_ROLLUP, worstChecks: [] }) }));
    expect(await screen.findByText('No check fails on the 2 scored services.')).toBeInTheDocument();
  });

  it('a department rolls up the groups below it, and the switch keeps to what it owns directly', async () => {
    const rows = GROUP_ROLLUP.entities;
    const tree = {
      ...GROUP_ROLLUP,
      groupRef: 'group:default/engineering',
      entities: [...rows, { ...rows[1], entityRef: 'component:default/batch', name: 'batch', state: 'no-workloads' as const, overall: null, scalability: null, security: null, grade: null, level: null }],
      scope: 'tree' as const,
      groups: ['group:default/engineering', 'group:default/team-a', 'group:default/team-b'],
      counts: { total: 3, scored: 2 },
      children: [
        { groupRef: 'group:default/team-a', total: 2, scored: 2, overall: 83 },
        { groupRef: 'group:default/team-b', total: 1, scored: 0, overall: null },
      ],
    };
    const direct = {
      ...GROUP_ROLLUP,
      groupRef: 'group:default/engineering',
      entities: [],
      averages: { scalability: null, security: null, overall: null },
      levels: { Gold: 0, Silver: 0, Bronze: 0, None: 0, none: 0 },
      worstChecks: [],
      scope: 'direct' as const,
      groups: ['group:default/engineering'],
      counts: { total: 0, scored: 0 },
      children: [],
    };
    const getGroupRollup = jest.fn((_ref: unknown, o?: { scope?: string }) => Promise.resolve(o?.scope === 'direct' ? direct : tree));
    const getTrend = jest.fn().mockResolvedValue({ scope: 'group:default/engineering', points: [] });
    await renderTeam(mockPostureApi({ getGroupRollup: getGroupRollup as any, getTrend }));

    expect(await screen.findByTestId('posture-group-counts')).toHaveTextContent(
      '2 scored of 3 services owned by this group and the 2 groups below it',
    );
    expect(screen.getByText('Over 2 scored of 3 services')).toBeInTheDocument();
    const children = screen.getAllByTestId('posture-group-child');
    expect(children.map(c => c.textContent)).toEqual([
      expect.stringContaining('2 scored of 2 services'),
      expect.stringContaining('0 scored of 1 service'),
    ]);
    expect(children[1]).toHaveTextContent('no average');
    expect(getTrend).toHaveBeenCalledWith({ group: { namespace: 'default', name: 'team-a' }, scope: 'tree' });

    await userEvent.click(screen.getByRole('checkbox', { name: 'Only services this group owns directly' }));
    expect(await screen.findByTestId('posture-group-empty')).toHaveTextContent('This group owns no services directly.');
    expect(getGroupRollup).toHaveBeenLastCalledWith({ namespace: 'default', name: 'team-a' }, { scope: 'direct' });
    expect(screen.getByText('No scored service (0 in all)')).toBeInTheDocument();
    // nothing judged is not "no check fails"
    expect(screen.getByText('No scored service here, so no check was judged.')).toBeInTheDocument();
    expect(screen.queryByText(/No check fails/)).not.toBeInTheDocument();
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
