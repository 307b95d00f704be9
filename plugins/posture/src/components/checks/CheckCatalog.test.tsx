import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes, useLocation } from 'react-router-dom';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { PostureApi } from '@posture-dev/backstage-plugin-posture-common';
import { postureApiRef } from '../../api';
import { checkMeta, mockPostureApi, responseError } from '../../testUtils/fixtures';
import { PostureTabs } from '../PosturePage';
import { CheckCatalog, failureText } from './CheckCatalog';

const mountedRoutes = { '/catalog/:namespace/:kind/:name': entityRouteRef };

function Location() {
  const l = useLocation();
  return <div data-testid="location">{l.search}</div>;
}
const searchParams = () => new URLSearchParams(screen.getByTestId('location').textContent ?? '');

/** team-a has a display name in the catalog; other refs are not in it */
function catalogApi() {
  return catalogApiMock.mock({
    getEntities: jest.fn().mockResolvedValue({ items: [] }),
    getEntitiesByRefs: jest.fn().mockImplementation(async ({ entityRefs }: { entityRefs: string[] }) => ({
      items: entityRefs.map(ref =>
        ref === 'group:default/team-a'
          ? { apiVersion: 'v1', kind: 'Group', metadata: { name: 'team-a', namespace: 'default' }, spec: { profile: { displayName: 'Team A' } } }
          : undefined,
      ),
    })),
  });
}

async function renderCatalog(api: PostureApi, url = '/') {
  await renderInTestApp(
    <TestApiProvider apis={[[postureApiRef, api], [catalogApiRef, catalogApi()]]}>
      <CheckCatalog />
      <Location />
    </TestApiProvider>,
    { mountedRoutes, routeEntries: [url] },
  );
}

const ids = () => screen.getAllByTestId('posture-catalog-check').map(e => e.getAttribute('data-check-id'));

describe('CheckCatalog', () => {
  it('lists every check, most urgent first, with rationale, remediation, references and the failing services by team', async () => {
    await renderCatalog(mockPostureApi());
    const entries = await screen.findAllByTestId('posture-catalog-check');
    expect(ids()).toEqual(['replicas', 'read-only-root-filesystem', 'host-network', 'run-as-non-root', 'pdb', 'image-tag']);
    expect(within(entries[0]).getByTestId('posture-catalog-failing')).toHaveTextContent('Fails in 2 of 3 scored services');
    expect(within(entries[2]).getByTestId('posture-catalog-failing')).toHaveTextContent('Passes in all 3 scored services');
    expect(screen.getByTestId('posture-catalog-order')).toHaveTextContent(
      'Most urgent first: the severity\'s weight in the score (critical 10, high 5, medium 3, low 1) times the services failing the check.',
    );

    await userEvent.click(within(entries[0]).getByRole('button', { name: /Runs more than one replica/ }));
    expect(within(entries[0]).getByText('Why replicas matters')).toBeInTheDocument();
    expect(within(entries[0]).getByText('Run at least two replicas.')).toBeInTheDocument();
    expect(within(entries[0]).getByTestId('posture-references')).toHaveTextContent('Polaris deploymentMissingReplicas');
    expect(within(entries[0]).getByTestId('posture-references')).toHaveTextContent('kube-score deployment-replicas');
    const teams = await within(entries[0]).findAllByTestId('posture-catalog-team');
    // owners by display name; a service without an owner says so
    await waitFor(() => expect(teams[0]).toHaveTextContent('Team A (1): checkout'));
    expect(teams[1]).toHaveTextContent('No owner (1): cart');
    const services = within(entries[0]).getAllByTestId('posture-catalog-failing-entity');
    expect(services.map(s => [s.textContent, s.getAttribute('href')])).toEqual([
      ['checkout', '/catalog/default/component/checkout/posture'],
      ['cart', '/catalog/default/component/cart/posture'],
    ]);
    // the open check is in the URL, so a link opens it again
    expect(searchParams().getAll('check')).toEqual(['replicas']);
  });

  it('ranks by severity times failing services, not by the count alone', async () => {
    await renderCatalog(
      mockPostureApi({
        listChecks: jest.fn().mockResolvedValue([
          checkMeta({ id: 'many-low', title: 'Many low', severity: 'low', failingEntities: 5, scoredEntities: 8 }),
          checkMeta({ id: 'one-critical', title: 'One critical', severity: 'critical', failingEntities: 1, scoredEntities: 8 }),
          checkMeta({ id: 'two-medium', title: 'Two medium', severity: 'medium', failingEntities: 2, scoredEntities: 8 }),
        ]),
      }),
    );
    await screen.findAllByTestId('posture-catalog-check');
    expect(ids()).toEqual(['one-critical', 'two-medium', 'many-low']);
  });

  it('names the services of every team, and says how many more there are than listed', async () => {
    await renderCatalog(
      mockPostureApi({
        listChecks: jest.fn().mockResolvedValue([
          checkMeta({
            id: 'probes',
            failingEntities: 60,
            scoredEntities: 80,
            entityRefs: ['component:default/a1'],
            failingByOwner: [
              { owner: 'group:default/team-b', failing: 58, entityRefs: ['component:default/b1', 'component:default/b2'] },
              { owner: 'group:default/team-a', failing: 2, entityRefs: ['component:default/a1'] },
            ],
          }),
        ]),
      }),
      '/?check=probes',
    );
    const teams = await screen.findAllByTestId('posture-catalog-team');
    expect(teams.map(t => t.getAttribute('data-owner'))).toEqual(['group:default/team-b', 'group:default/team-a']);
    expect(teams[0]).toHaveTextContent('team-b (58): b1, b2 and 56 more');
    await waitFor(() => expect(teams[1]).toHaveTextContent('Team A (2): a1 and 1 more'));
    expect(screen.getByTestId('posture-catalog-failing')).toHaveTextContent('Fails in 60 of 80 scored services');
  });

  it('keeps working with a backend that sends no denominator or owners', async () => {
    const old = checkMeta({ id: 'probes', failingEntities: 2, entityRefs: ['component:default/a', 'component:default/b'] });
    delete old.scoredEntities;
    delete old.failingByOwner;
    expect(failureText(old)).toBe('2 failing');
    await renderCatalog(mockPostureApi({ listChecks: jest.fn().mockResolvedValue([old]) }), '/?check=probes');
    expect(await screen.findByTestId('posture-catalog-failing')).toHaveTextContent('2 failing');
    expect(screen.getByTestId('posture-catalog-failing-services')).toHaveTextContent('Failing services (2)a, b');
  });

  it('filters by text, pillar, severity and failing, all kept in the URL', async () => {
    await renderCatalog(mockPostureApi());
    await screen.findAllByTestId('posture-catalog-check');
    await userEvent.type(screen.getByTestId('posture-catalog-search'), 'root');
    expect(ids()).toEqual(['read-only-root-filesystem', 'run-as-non-root']);
    expect(searchParams().get('q')).toBe('root');
    await userEvent.clear(screen.getByTestId('posture-catalog-search'));

    await userEvent.click(screen.getByRole('button', { name: /Pillar/ }));
    await userEvent.click(await screen.findByRole('option', { name: 'Scalability' }));
    expect(ids()).toEqual(['replicas', 'pdb']);
    expect(searchParams().get('pillar')).toBe('scalability');

    await userEvent.click(screen.getByRole('button', { name: /^Severity/ }));
    await userEvent.click(await screen.findByRole('option', { name: 'Medium' }));
    await userEvent.keyboard('{Escape}');
    expect(ids()).toEqual(['pdb']);
    expect(searchParams().getAll('severity')).toEqual(['medium']);

    await userEvent.click(screen.getByTestId('posture-catalog-clear'));
    expect(ids()).toHaveLength(6);
    await userEvent.click(screen.getByRole('checkbox', { name: 'Only checks that services fail' }));
    expect(ids()).toEqual(['replicas', 'read-only-root-filesystem']);
    expect(searchParams().toString()).toBe('failing=true');
  });

  it('reproduces the view from a link', async () => {
    await renderCatalog(mockPostureApi(), '/?pillar=security&severity=critical&severity=medium&check=read-only-root-filesystem');
    await screen.findAllByTestId('posture-catalog-check');
    expect(ids()).toEqual(['read-only-root-filesystem', 'host-network']);
    expect(screen.getByTestId('posture-catalog-count')).toHaveTextContent('2 of 6 checks');
    // the linked check is open
    expect(screen.getByText('Why read-only-root-filesystem matters')).toBeVisible();
    expect(screen.queryByText('Why host-network matters')).not.toBeInTheDocument();
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
      <TestApiProvider apis={[[postureApiRef, api], [catalogApiRef, catalogApi()]]}>
        <Routes>
          <Route path="/posture/*" element={<PostureTabs />} />
        </Routes>
      </TestApiProvider>,
      { mountedRoutes, routeEntries: ['/posture/checks?severity=high'] },
    );
    expect(await screen.findAllByTestId('posture-catalog-check')).toHaveLength(2);
    expect(screen.getByRole('tab', { name: 'Checks' })).toHaveAttribute('aria-selected', 'true');
    expect(api.getOverview).not.toHaveBeenCalled();
  });
});
