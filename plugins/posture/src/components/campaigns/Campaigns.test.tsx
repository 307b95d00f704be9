import { screen, within } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { EntityProvider, entityRouteRef } from '@backstage/plugin-catalog-react';
import { Route, Routes } from 'react-router-dom';
import { postureApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { componentEntity, mockPostureApi, responseError } from '../../testUtils/fixtures';
import { CampaignList } from './CampaignList';
import { CampaignPage } from './CampaignPage';
import { EntityCampaignsCard } from './EntityCampaignsCard';
import { CAMPAIGN_DETAIL, CAMPAIGN_SUMMARY, ENTITY_CAMPAIGNS } from './testFixtures';

const mountedRoutes = { '/posture': rootRouteRef, '/catalog/:namespace/:kind/:name': entityRouteRef };

describe('campaigns', () => {
  it('lists campaigns with target, scope, deadline and progress, linking to each page', async () => {
    const api = mockPostureApi({ listCampaigns: jest.fn().mockResolvedValue([CAMPAIGN_SUMMARY]) });
    await renderInTestApp(
      <TestApiProvider apis={[[postureApiRef, api]]}>
        <CampaignList />
      </TestApiProvider>,
      { mountedRoutes },
    );
    const link = await screen.findByTestId('posture-campaign-link');
    expect(link).toHaveAttribute('href', '/posture/campaigns/production-silver');
    expect(screen.getByText('every service reaches Silver · lifecycle production')).toBeInTheDocument();
    expect(screen.getByText('2027-03-31, in 117 days')).toBeInTheDocument();
    expect(screen.getByTestId('posture-campaign-progress-production-silver')).toHaveTextContent(
      '1 of 3 services meet the target (33.3%)',
    );
  });

  it('says how to define one when there is none', async () => {
    const api = mockPostureApi({ listCampaigns: jest.fn().mockResolvedValue([]) });
    await renderInTestApp(
      <TestApiProvider apis={[[postureApiRef, api]]}>
        <CampaignList />
      </TestApiProvider>,
      { mountedRoutes },
    );
    expect(await screen.findByText(/No campaign is defined/)).toBeInTheDocument();
  });

  it("a campaign's page: progress per team, the services short with what blocks them, and the burn-down", async () => {
    const getCampaign = jest.fn().mockResolvedValue(CAMPAIGN_DETAIL);
    const api = mockPostureApi({ getCampaign });
    await renderInTestApp(
      <TestApiProvider apis={[[postureApiRef, api]]}>
        <Routes>
          <Route path="/posture/campaigns/:id" element={<CampaignPage />} />
        </Routes>
      </TestApiProvider>,
      { mountedRoutes, routeEntries: ['/posture/campaigns/production-silver'] },
    );
    expect(await screen.findByTestId('posture-campaign-deadline')).toHaveTextContent('2027-03-31, in 117 days');
    expect(getCampaign).toHaveBeenCalledWith('production-silver');
    expect(screen.getByTestId('posture-campaign-team-progress-team-payments')).toHaveTextContent('0 of 2 services');
    expect(screen.getByTestId('posture-campaign-team-progress-team-growth')).toHaveTextContent('1 of 1 service meets the target');

    const short = screen.getAllByTestId('posture-campaign-short');
    expect(short.map(s => s.getAttribute('data-entity-ref'))).toEqual([
      'component:default/checkout-api',
      'component:default/payments-ledger',
    ]);
    expect(short[0]).toHaveAttribute('href', '/catalog/default/component/checkout-api/posture');
    const blockers = screen.getAllByTestId('posture-campaign-blockers');
    expect(blockers[0]).toHaveTextContent('No privileged containers');
    expect(blockers[1]).toHaveTextContent('not scored: no workloads matched');
    // the service that meets the target is not listed as short
    expect(screen.queryByText('storefront-web')).not.toBeInTheDocument();

    const series = screen.getByTestId('posture-series-short');
    expect(series).toHaveAttribute('data-points', '3');
    expect(screen.getByTestId('posture-burndown-note')).toHaveTextContent('2 of 3 services short now, 3 on 2026-11-01');
  });

  it('a 404 for an unknown campaign is shown as an error with a retry', async () => {
    const api = mockPostureApi({ getCampaign: jest.fn().mockRejectedValue(await responseError(404, 'No campaign nope')) });
    await renderInTestApp(
      <TestApiProvider apis={[[postureApiRef, api]]}>
        <Routes>
          <Route path="/posture/campaigns/:id" element={<CampaignPage />} />
        </Routes>
      </TestApiProvider>,
      { mountedRoutes, routeEntries: ['/posture/campaigns/nope'] },
    );
    expect(await screen.findByTestId('posture-error')).toBeInTheDocument();
  });

  describe('EntityCampaignsCard', () => {
    const render = async (campaigns: typeof ENTITY_CAMPAIGNS) => {
      const getEntityCampaigns = jest.fn().mockResolvedValue(campaigns);
      await renderInTestApp(
        <TestApiProvider apis={[[postureApiRef, mockPostureApi({ getEntityCampaigns })]]}>
          <EntityProvider entity={componentEntity}>
            <div data-testid="host">
              <EntityCampaignsCard />
            </div>
          </EntityProvider>
        </TestApiProvider>,
        { mountedRoutes },
      );
      return getEntityCampaigns;
    };

    it("shows each campaign the entity is in, its deadline, whether it meets it and what to fix", async () => {
      const get = await render(ENTITY_CAMPAIGNS);
      const items = await screen.findAllByTestId('posture-entity-campaign');
      expect(get).toHaveBeenCalledWith({ kind: 'Component', namespace: 'default', name: 'checkout' });
      expect(items.map(i => [i.getAttribute('data-campaign-id'), i.getAttribute('data-met')])).toEqual([
        ['production-silver', 'false'],
        ['security-80', 'true'],
      ]);
      expect(items[0]).toHaveTextContent('short of the target');
      expect(items[0]).toHaveTextContent('due 2027-03-31, in 117 days');
      expect(items[0]).toHaveTextContent('To fix: No privileged containers');
      expect(within(items[0]).getByRole('link', { name: 'Every production service reaches Silver' })).toHaveAttribute(
        'href',
        '/posture/campaigns/production-silver',
      );
      expect(items[1]).toHaveTextContent('every service scores at least 80 on security · due 2026-12-12, in 8 days');
    });

    it('renders nothing outside any campaign', async () => {
      await render([]);
      // let the fetch settle
      await new Promise(r => setTimeout(r, 0));
      expect(screen.getByTestId('host')).toBeEmptyDOMElement();
    });
  });
});
