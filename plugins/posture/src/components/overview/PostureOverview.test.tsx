import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useLocation } from 'react-router-dom';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { PostureApi } from '@posture-dev/backstage-plugin-posture-common';
import { postureApiRef } from '../../api';
import { mockPostureApi, overviewResponse, overviewRow, responseError, templateEntity } from '../../testUtils/fixtures';
import { PostureOverview } from './PostureOverview';

function Location() {
  const l = useLocation();
  return <div data-testid="location">{`${l.pathname}${l.search}`}</div>;
}

const location = () => screen.getByTestId('location').textContent ?? '';
const searchParams = () => new URLSearchParams(location().split('?')[1] ?? '');

async function renderOverview(api: PostureApi, url = '/posture') {
  const catalogApi = catalogApiMock.mock({
    getEntities: jest.fn().mockResolvedValue({
      items: [
        templateEntity('node-service', 'scalability=100,security=100,level=Gold,pss=restricted'),
        templateEntity('legacy', 'nonsense'),
      ],
    }),
    // display names: team-a has a profile name; team-b and the system are not in the catalog (short refs)
    getEntitiesByRefs: jest.fn().mockImplementation(async ({ entityRefs }: { entityRefs: string[] }) => ({
      items: entityRefs.map(ref =>
        ref === 'group:default/team-a'
          ? { apiVersion: 'v1', kind: 'Group', metadata: { name: 'team-a', namespace: 'default' }, spec: { profile: { displayName: 'Team A' } } }
          : undefined,
      ),
    })),
    getEntityFacets: jest.fn().mockResolvedValue({
      facets: {
        'spec.owner': [{ value: 'team-a', count: 2 }, { value: 'group:default/team-b', count: 1 }],
        'spec.system': [{ value: 'shop', count: 2 }],
        'spec.lifecycle': [{ value: 'production', count: 3 }],
        kind: [{ value: 'Component', count: 3 }],
      },
    }),
  });
  await renderInTestApp(
    <TestApiProvider apis={[[postureApiRef, api], [catalogApiRef, catalogApi]]}>
      <PostureOverview />
      <Location />
    </TestApiProvider>,
    { routeEntries: [url], mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
  return { catalogApi };
}

describe('PostureOverview', () => {
  it('lists services with scores, grade, level, PSS, owner, system, clusters and last change', async () => {
    const api = mockPostureApi();
    await renderOverview(api);
    const rows = await screen.findAllByTestId('posture-overview-row');
    expect(rows.map(r => r.getAttribute('data-entity-ref'))).toEqual([
      'component:default/checkout',
      'component:default/cart',
    ]);
    await waitFor(() => expect(within(rows[0]).getAllByRole('cell')[7]).toHaveTextContent('Team A'));
    const cells = within(rows[0]).getAllByRole('cell').map(c => c.textContent);
    // no "component · default" under the name; the overall score has its own column; the owner by display name
    expect(cells).toEqual([
      'checkout',
      '62',
      '85',
      '93',
      'C',
      'Bronze',
      'PSS baseline',
      'Team A',
      'shop',
      'prod-eu',
      '2024-05-30 08:00:00 UTC',
    ]);
    expect(within(rows[0]).getByRole('link', { name: 'checkout' })).toHaveAttribute(
      'href',
      '/catalog/default/component/checkout/posture',
    );
    expect(api.getOverview).toHaveBeenCalledWith({ limit: 25, offset: 0 });
  });

  it('sends the filters, sort and page from the URL to the server', async () => {
    const api = mockPostureApi();
    await renderOverview(api, '/posture?owner=group:default/team-a&grade=F&grade=D&q=cart&sort=security&order=desc&page=2&pageSize=10');
    await screen.findAllByTestId('posture-overview-row');
    expect(api.getOverview).toHaveBeenCalledWith({
      owner: ['group:default/team-a'],
      grade: ['F', 'D'],
      q: 'cart',
      sort: 'security',
      order: 'desc',
      limit: 10,
      offset: 10,
    });
  });

  it('writes filter changes to the URL and refetches from the first page', async () => {
    const api = mockPostureApi();
    await renderOverview(api, '/posture?page=3');
    await screen.findAllByTestId('posture-overview-row');

    await userEvent.click(within(screen.getByRole('search', { name: 'Filter services' })).getByRole('button', { name: 'Grade' }));
    await userEvent.click(await screen.findByRole('option', { name: 'F' }));
    await userEvent.keyboard('{Escape}');
    await waitFor(() => expect(searchParams().getAll('grade')).toEqual(['F']));
    expect(searchParams().get('page')).toBeNull();
    await waitFor(() => expect(api.getOverview).toHaveBeenLastCalledWith({ grade: ['F'], limit: 25, offset: 0 }));

    // a typed owner becomes a full ref, as the backend stores owners
    const owner = screen.getByRole('textbox', { name: 'Filter by owner' });
    await userEvent.type(owner, 'team-c{Enter}');
    await waitFor(() => expect(searchParams().getAll('owner')).toEqual(['group:default/team-c']));

    await userEvent.type(screen.getByRole('textbox', { name: 'Search services' }), 'check{Enter}');
    await waitFor(() => expect(searchParams().get('q')).toBe('check'));
    await waitFor(() =>
      expect(api.getOverview).toHaveBeenLastCalledWith({
        owner: ['group:default/team-c'],
        grade: ['F'],
        q: 'check',
        limit: 25,
        offset: 0,
      }),
    );

    await userEvent.click(screen.getByTestId('posture-filter-clear'));
    await waitFor(() => expect(location()).toBe('/posture'));
  });

  it('offers owners from the catalog by display name, filtering by full ref', async () => {
    await renderOverview(mockPostureApi());
    await screen.findAllByTestId('posture-overview-row');
    await userEvent.click(screen.getByRole('textbox', { name: 'Filter by owner' }));
    const options = (await screen.findAllByRole('option')).map(o => o.textContent);
    expect(options).toEqual(['Team A', 'team-b']);
  });

  it('sorts on header clicks, flipping the order on the second click', async () => {
    const api = mockPostureApi();
    await renderOverview(api);
    await screen.findAllByTestId('posture-overview-row');
    await userEvent.click(screen.getByTestId('posture-sort-security'));
    await waitFor(() => expect(location()).toBe('/posture?sort=security&order=asc'));
    await userEvent.click(screen.getByTestId('posture-sort-security'));
    await waitFor(() => expect(location()).toBe('/posture?sort=security&order=desc'));
    await waitFor(() =>
      expect(api.getOverview).toHaveBeenLastCalledWith({ sort: 'security', order: 'desc', limit: 25, offset: 0 }),
    );
  });

  it('pages through the server-side total', async () => {
    const rows = Array.from({ length: 25 }, (_, i) => overviewRow({ name: `svc-${i}` }));
    const api = mockPostureApi({ getOverview: jest.fn().mockResolvedValue(overviewResponse(rows, 60)) });
    await renderOverview(api);
    await screen.findAllByTestId('posture-overview-row');
    expect(screen.getByText('1-25 of 60')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    await waitFor(() => expect(location()).toBe('/posture?page=2'));
    await waitFor(() => expect(api.getOverview).toHaveBeenLastCalledWith({ limit: 25, offset: 25 }));
  });

  it('exports the current filter as CSV through the API', async () => {
    const api = mockPostureApi();
    const createObjectURL = jest.fn().mockReturnValue('blob:posture');
    const revokeObjectURL = jest.fn();
    Object.assign(URL, { createObjectURL, revokeObjectURL });
    const click = jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    try {
      await renderOverview(api, '/posture?level=None&sort=name&page=2');
      await screen.findAllByTestId('posture-overview-row');
      await userEvent.click(screen.getByTestId('posture-export-csv'));
      await waitFor(() => expect(click).toHaveBeenCalled());
      expect(api.getOverviewCsv).toHaveBeenCalledWith({ level: ['None'], sort: 'name' });
      const blob = createObjectURL.mock.calls[0][0] as Blob;
      expect(blob.type).toBe('text/csv;charset=utf-8');
      await waitFor(() => expect(revokeObjectURL).toHaveBeenCalledWith('blob:posture'));
    } finally {
      click.mockRestore();
    }
  });

  it('shows why an export failed', async () => {
    const api = mockPostureApi({ getOverviewCsv: jest.fn().mockRejectedValue(new Error('too slow')) });
    await renderOverview(api);
    await screen.findAllByTestId('posture-overview-row');
    await userEvent.click(screen.getByTestId('posture-export-csv'));
    expect(await screen.findByText('Export failed: too slow')).toBeInTheDocument();
  });

  it('plots the balance quadrant; hovering shows the service and a click opens its Posture tab', async () => {
    await renderOverview(mockPostureApi());
    const markers = await screen.findAllByTestId('quadrant-point');
    const byRef = (ref: string) => markers.find(m => m.getAttribute('data-entity-refs') === ref)!;
    expect(markers).toHaveLength(2);
    const points = [byRef('component:default/checkout'), byRef('component:default/cart')];
    expect(screen.getByTestId('quadrant-label-balanced')).toHaveTextContent('Balanced (1)');
    expect(screen.getByTestId('quadrant-label-secure-fragile')).toHaveTextContent('Secure but fragile (1)');

    fireEvent.mouseMove(points[0]);
    expect(screen.getByTestId('quadrant-tooltip')).toHaveTextContent('checkout');
    expect(screen.getByTestId('quadrant-tooltip')).toHaveTextContent('Scalability 62 · Security 85 · Grade C');
    fireEvent.mouseLeave(screen.getByTestId('posture-quadrant'));
    expect(screen.queryByTestId('quadrant-tooltip')).not.toBeInTheDocument();

    await userEvent.click(points[1]);
    await waitFor(() => expect(location()).toBe('/catalog/default/component/cart/posture'));
  });

  it('filters the table to the quadrant picked on the chart, shows it as a filter and keeps it in the URL', async () => {
    const api = mockPostureApi();
    await renderOverview(api);
    await screen.findAllByTestId('posture-overview-row');
    expect(screen.queryByTestId('posture-filter-quadrant')).not.toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: /^Secure but fragile: 1 service,/ }));
    await waitFor(() => expect(searchParams().get('quadrant')).toBe('secure-fragile'));
    await waitFor(() =>
      expect(api.getOverview).toHaveBeenLastCalledWith({ quadrant: ['secure-fragile'], limit: 25, offset: 0 }),
    );
    expect(screen.getByTestId('posture-quadrant-status')).toHaveTextContent(
      'The table below lists the 2 services in Secure but fragile.',
    );
    const chip = screen.getByTestId('posture-filter-quadrant');
    expect(chip).toHaveTextContent('Quadrant: Secure but fragile');
    expect(screen.getByTestId('quadrant-region-secure-fragile')).toHaveAttribute('aria-pressed', 'true');

    // the chip clears it, by keyboard too
    chip.focus();
    await userEvent.keyboard('{Delete}');
    await waitFor(() => expect(searchParams().has('quadrant')).toBe(false));
    await waitFor(() => expect(api.getOverview).toHaveBeenLastCalledWith({ limit: 25, offset: 0 }));
  });

  it('reads the quadrant from a shared link; "Show all" clears it alone, "Clear filters" with the rest', async () => {
    const api = mockPostureApi();
    await renderOverview(api, '/posture?quadrant=balanced&grade=A&page=2');
    await waitFor(() =>
      expect(api.getOverview).toHaveBeenLastCalledWith({ grade: ['A'], quadrant: ['balanced'], limit: 25, offset: 25 }),
    );
    expect(await screen.findByTestId('posture-filter-quadrant')).toHaveTextContent('Quadrant: Balanced');
    await userEvent.click(screen.getByRole('button', { name: 'Show all' }));
    await waitFor(() => expect(searchParams().has('quadrant')).toBe(false));
    expect(searchParams().get('grade')).toBe('A');
    expect(screen.getByTestId('posture-quadrant-status')).toHaveTextContent('');
    await userEvent.click(screen.getByTestId('posture-filter-clear'));
    await waitFor(() => expect(location()).toBe('/posture'));
    expect(screen.queryByTestId('posture-filter-quadrant')).not.toBeInTheDocument();
  });

  it('shows distributions per grade for each pillar and per level', async () => {
    await renderOverview(mockPostureApi());
    const security = await screen.findByTestId('posture-distribution-grades-security');
    expect(security.querySelector('[data-bucket="A"]')).toHaveAttribute('data-count', '1');
    expect(security.querySelector('[data-bucket="B"]')).toHaveAttribute('data-count', '1');
    expect(screen.getByTestId('posture-distribution-grades-scalability').querySelector('[data-bucket="D"]')).toHaveAttribute(
      'data-count',
      '1',
    );
    expect(screen.getByTestId('posture-distribution-levels').querySelector('[data-bucket="Bronze"]')).toHaveAttribute(
      'data-count',
      '1',
    );
  });

  it('lists golden-path templates with their guarantees and a link to create from them', async () => {
    const { catalogApi } = await renderOverview(mockPostureApi());
    const paths = await screen.findAllByTestId('posture-golden-path');
    expect(paths.map(p => p.getAttribute('data-template-ref'))).toEqual([
      'template:default/legacy',
      'template:default/node-service',
    ]);
    expect(paths[1]).toHaveTextContent('Guarantees scalability 100, security 100, level Gold, PSS restricted');
    expect(paths[0]).toHaveTextContent('No valid posture.backstage.io/guarantees annotation ("nonsense")');
    expect(within(paths[1]).getByRole('button', { name: 'Create from template' })).toHaveAttribute(
      'href',
      '/create/templates/default/node-service',
    );
    expect(catalogApi.getEntities).toHaveBeenCalledWith({ filter: { kind: 'template', 'metadata.tags': 'golden-path' } });
  });

  it('says when nothing matches', async () => {
    await renderOverview(mockPostureApi({ getOverview: jest.fn().mockResolvedValue(overviewResponse([])) }), '/posture?grade=A');
    expect(await screen.findByTestId('posture-overview-empty')).toHaveTextContent('No services match these filters.');
    expect(screen.getByText('No scored services match these filters.')).toBeInTheDocument();
  });

  it('shows an error with a retry', async () => {
    const api = mockPostureApi();
    const ok = api.getOverview;
    api.getOverview = jest.fn().mockRejectedValueOnce(await responseError(500, 'store offline')).mockImplementation(ok);
    await renderOverview(api);
    expect(await screen.findByTestId('posture-error')).toHaveTextContent('store offline');
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findAllByTestId('posture-overview-row')).toHaveLength(2);
  });

  it('says "no permission" on a 403', async () => {
    await renderOverview(mockPostureApi({ getOverview: jest.fn().mockRejectedValue(await responseError(403)) }));
    expect(await screen.findByTestId('posture-permission-denied')).toBeInTheDocument();
  });
});
