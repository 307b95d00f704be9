import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { PostureApi } from '@posture-dev/backstage-plugin-posture-common';
import { postureApiRef } from '../../api';
import { mockPostureApi, responseError } from '../../testUtils/fixtures';
import { PostureTabs } from '../PosturePage';
import { CheckCatalog } from './CheckCatalog';

const mountedRoutes = { '/catalog/:namespace/:kind/:name': entityRouteRef };

async function renderCatalog(api: PostureApi) {
  await renderInTestApp(
    <TestApiProvider apis={[[postureApiRef, api]]}>
      <CheckCatalog />
    </TestApiProvider>,
    { mountedRoutes },
  );
}

describe('CheckCatalog', () => {
  it('lists every check, most failed first, with rationale, remediation, references and failing services', async () => {
    await renderCatalog(mockPostureApi());
    const entries = await screen.findAllByTestId('posture-catalog-check');
    expect(entries.map(e => e.getAttribute('data-check-id'))).toEqual([
      'replicas',
      'read-only-root-filesystem',
      'host-network',
      'run-as-non-root',
      'pdb',
      'image-tag',
    ]);
    expect(within(entries[0]).getByTestId('posture-catalog-failing')).toHaveTextContent('2 failing');

    await userEvent.click(within(entries[0]).getByRole('button', { name: /Runs more than one replica/ }));
    expect(within(entries[0]).getByText('Why replicas matters')).toBeInTheDocument();
    expect(within(entries[0]).getByText('Run at least two replicas.')).toBeInTheDocument();
    expect(within(entries[0]).getByTestId('posture-references')).toHaveTextContent('Polaris deploymentMissingReplicas');
    expect(within(entries[0]).getByTestId('posture-references')).toHaveTextContent('kube-score deployment-replicas');
    const services = within(entries[0]).getAllByTestId('posture-catalog-failing-entity');
    expect(services.map(s => [s.textContent, s.getAttribute('href')])).toEqual([
      ['checkout', '/catalog/default/component/checkout/posture'],
      ['cart', '/catalog/default/component/cart/posture'],
    ]);
  });

  it('filters by text and pillar', async () => {
    await renderCatalog(mockPostureApi());
    await screen.findAllByTestId('posture-catalog-check');
    await userEvent.type(screen.getByTestId('posture-catalog-search'), 'root');
    expect(screen.getAllByTestId('posture-catalog-check').map(e => e.getAttribute('data-check-id'))).toEqual([
      'read-only-root-filesystem',
      'run-as-non-root',
    ]);
    await userEvent.clear(screen.getByTestId('posture-catalog-search'));
    await userEvent.click(screen.getByRole('button', { name: /Pillar/ }));
    await userEvent.click(await screen.findByRole('option', { name: 'Scalability' }));
    expect(screen.getAllByTestId('posture-catalog-check').map(e => e.getAttribute('data-check-id'))).toEqual([
      'replicas',
      'pdb',
    ]);
  });

  it('shows "no permission" on a 403', async () => {
    await renderCatalog(mockPostureApi({ listChecks: jest.fn().mockRejectedValue(await responseError(403)) }));
    expect(await screen.findByTestId('posture-permission-denied')).toBeInTheDocument();
  });

  it('retries after an error', async () => {
    const api = mockPostureApi();
    const listChecks = api.listChecks;
    api.listChecks = jest.fn().mockRejectedValueOnce(new Error('boom')).mockImplementation(listChecks);
    await renderCatalog(api);
    expect(await screen.findByTestId('posture-error')).toHaveTextContent('boom');
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findAllByTestId('posture-catalog-check')).toHaveLength(6);
  });

  it('is the Checks tab of the posture page, at /posture/checks', async () => {
    const api = mockPostureApi();
    await renderInTestApp(
      <TestApiProvider apis={[[postureApiRef, api], [catalogApiRef, catalogApiMock.mock({ getEntities: jest.fn().mockResolvedValue({ items: [] }) })]]}>
        <Routes>
          <Route path="/posture/*" element={<PostureTabs />} />
        </Routes>
      </TestApiProvider>,
      { mountedRoutes, routeEntries: ['/posture/checks'] },
    );
    expect(await screen.findAllByTestId('posture-catalog-check')).toHaveLength(6);
    expect(screen.getByRole('tab', { name: 'Checks' })).toHaveAttribute('aria-selected', 'true');
    expect(api.getOverview).not.toHaveBeenCalled();
  });
});
