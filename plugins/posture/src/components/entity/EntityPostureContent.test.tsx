import { ReactNode } from 'react';
import { SWRConfig } from 'swr';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { EntityProvider, catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { Entity } from '@backstage/catalog-model';
import { PostureApi } from '@posture-dev/backstage-plugin-posture-common';
import { postureApiRef } from '../../api';
import {
  CHECKS,
  RESULTS,
  componentEntity,
  entityScorecard,
  scorecard,
  mockPostureApi,
  responseError,
  templateEntity,
} from '../../testUtils/fixtures';
import { EntityPostureContent } from './EntityPostureContent';

const TEMPLATES = [
  templateEntity('full-stack', 'scalability=100,security=100,level=Gold,pss=restricted'),
  templateEntity('secure-only', 'security=100'),
];

/** The rows of the "All checks" card (the fix-first card above it repeats the failing ones). */
async function allRows() {
  return within(await screen.findByTestId('posture-all-checks')).findAllByTestId('posture-check-row');
}
function allRowsNow() {
  return within(screen.getByTestId('posture-all-checks')).getAllByTestId('posture-check-row');
}

async function renderTab(
  api: PostureApi,
  entity: Entity = componentEntity,
  templates: Entity[] = TEMPLATES,
  refreshAllowed = false,
) {
  const catalogApi = catalogApiMock.mock({
    getEntities: jest.fn().mockResolvedValue({ items: templates }),
  });
  const wrap = (children: ReactNode) => (
    <TestApiProvider
      apis={[
        [postureApiRef, api],
        [catalogApiRef, catalogApi],
        [
          permissionApiRef,
          {
            authorize: async () => ({ result: refreshAllowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY }),
          },
        ],
      ]}
    >
      {/* usePermission caches answers in SWR's global cache: a fresh cache per render, or one test's
          DENY answers the next test's question */}
      <SWRConfig value={{ provider: () => new Map() }}>
        <EntityProvider entity={entity}>{children}</EntityProvider>
      </SWRConfig>
    </TestApiProvider>
  );
  await renderInTestApp(wrap(<EntityPostureContent />), {
    mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
  });
  return { catalogApi };
}

describe('EntityPostureContent', () => {
  it('shows both gauges with grades, the level and the Pod Security level', async () => {
    const api = mockPostureApi();
    await renderTab(api);
    expect(await screen.findByTestId('posture-gauge-scalability')).toHaveAttribute('data-score', '62');
    expect(screen.getByTestId('posture-gauge-security')).toHaveAttribute('data-score', '85');
    expect(screen.getByRole('img', { name: 'Security score 85 out of 100, grade B' })).toBeInTheDocument();
    expect(screen.getByTestId('posture-grade-scalability')).toHaveTextContent('D');
    expect(screen.getByTestId('posture-grade')).toHaveTextContent('C');
    expect(screen.getByTestId('posture-level')).toHaveTextContent('Bronze');
    expect(screen.getByTestId('posture-pss-level')).toHaveTextContent('PSS baseline');
    expect(api.getEntityScorecard).toHaveBeenCalledWith({ kind: 'Component', namespace: 'default', name: 'checkout' });
  });

  it('shows each cluster with its collection time and a banner for stale or failed data', async () => {
    jest.useFakeTimers({ now: Date.parse('2024-06-01T12:00:00Z'), doNotFake: ['setTimeout', 'setInterval', 'queueMicrotask', 'nextTick', 'setImmediate'] });
    try {
      await renderTab(mockPostureApi());
      const rows = await screen.findAllByTestId('posture-cluster-status');
      expect(rows.map(r => r.getAttribute('data-cluster'))).toEqual(['prod-eu', 'prod-us']);
      expect(rows[0]).toHaveTextContent('2024-06-01 11:55:00 UTC (5 minutes ago)');
      const banners = screen.getAllByTestId('posture-stale-banner');
      expect(banners).toHaveLength(1);
      expect(banners[0]).toHaveAttribute('data-cluster', 'prod-us');
      expect(banners[0]).toHaveTextContent('Data from cluster prod-us is 3 hours old');
      expect(banners[0]).toHaveTextContent('connect ECONNREFUSED 10.0.0.1:443');
    } finally {
      jest.useRealTimers();
    }
  });

  it('groups checks by pillar and category, failing first, joined with the check catalog', async () => {
    await renderTab(mockPostureApi());
    const rows = await allRows();
    expect(rows.map(r => r.getAttribute('data-check-id'))).toEqual([
      'replicas',
      'pdb',
      'read-only-root-filesystem',
      'image-tag',
      'host-network',
      'run-as-non-root',
    ]);
    expect(rows[0]).toHaveTextContent('Runs more than one replica');
    expect(rows[0]).toHaveAttribute('data-status', 'fail');
    const security = screen.getByRole('region', { name: 'Security checks' });
    expect(within(security).getByText('Security · 2 failing')).toBeInTheDocument();
    // the lapsed exemption is flagged without opening the row
    expect(within(rows[3]).getByText('Exemption expired')).toBeInTheDocument();
  });

  it('opens a check to show evidence paths, affected workloads, remediation, references and exemptions', async () => {
    await renderTab(mockPostureApi());
    const rows = await allRows();
    const rorf = rows[2];
    await userEvent.click(within(rorf).getByRole('button', { name: /Read-only root filesystem/ }));
    const paths = within(rorf).getAllByTestId('posture-evidence-path').map(p => p.textContent);
    expect(paths).toEqual([
      'spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem',
      'spec.template.spec.containers[1].securityContext.readOnlyRootFilesystem',
    ]);
    expect(within(rorf).getByTestId('posture-affected')).toHaveTextContent(
      'Workloads: Deployment shop/checkout (prod-eu), Deployment shop/checkout-worker (prod-us)',
    );
    expect(within(rorf).getByTestId('posture-affected')).toHaveTextContent('Containers: app, sidecar');
    expect(within(rorf).getByText('Fix read-only-root-filesystem')).toBeInTheDocument();
    // the highlighter renders asynchronously
    await waitFor(() =>
      expect(within(rorf).getByTestId('posture-remediation-patch')).toHaveTextContent('fix: read-only-root-filesystem'),
    );
    expect(within(rorf).getByTestId('posture-references')).toHaveTextContent('kubescape C-0017');
    expect(within(rorf).getByTestId('posture-references')).toHaveTextContent('CIS 5.7.3');

    const tag = rows[3];
    await userEvent.click(within(tag).getByRole('button', { name: /Pinned image tag/ }));
    const exemption = within(tag).getByTestId('posture-exemption');
    expect(exemption).toHaveAttribute('data-expired', 'true');
    expect(exemption).toHaveTextContent('Exemption expired 2024-01-01');
    expect(exemption).toHaveTextContent('legacy build pipeline');
  });

  it('filters to failing checks, by severity and by cluster', async () => {
    await renderTab(mockPostureApi());
    await allRows();
    await userEvent.click(screen.getByRole('checkbox', { name: 'Failing only' }));
    let ids = allRowsNow().map(r => r.getAttribute('data-check-id'));
    expect(ids).toEqual(['replicas', 'read-only-root-filesystem', 'image-tag']);

    await userEvent.click(screen.getByRole('button', { name: /Severity/ }));
    await userEvent.click(await screen.findByRole('option', { name: 'Medium' }));
    await userEvent.keyboard('{Escape}');
    ids = allRowsNow().map(r => r.getAttribute('data-check-id'));
    expect(ids).toEqual(['read-only-root-filesystem']);

    await userEvent.click(screen.getByRole('button', { name: /Cluster/ }));
    await userEvent.click(await screen.findByRole('option', { name: 'prod-us' }));
    const rows = allRowsNow();
    expect(rows).toHaveLength(1);
    await userEvent.click(within(rows[0]).getByRole('button', { name: /Read-only root filesystem/ }));
    expect(within(rows[0]).getAllByTestId('posture-evidence-path')).toHaveLength(1);
  });

  it('suggests golden paths that cover every failing pillar', async () => {
    const { catalogApi } = await renderTab(mockPostureApi());
    const suggestions = await screen.findAllByTestId('posture-golden-path-suggestion');
    expect(suggestions.map(s => s.getAttribute('data-template-ref'))).toEqual(['template:default/full-stack']);
    expect(within(suggestions[0]).getByRole('button', { name: 'Use template' })).toHaveAttribute(
      'href',
      '/create/templates/default/full-stack',
    );
    expect(catalogApi.getEntities).toHaveBeenCalledWith({
      filter: { kind: 'template', 'metadata.tags': 'golden-path' },
    });
  });

  it('suggests no golden path when nothing fails', async () => {
    const api = mockPostureApi({
      getEntityScorecard: jest.fn().mockResolvedValue(
        entityScorecard({ results: entityScorecard().results.filter(r => r.status !== 'fail') }),
      ),
    });
    await renderTab(api);
    await allRows();
    expect(screen.queryByTestId('posture-golden-path-suggestion')).not.toBeInTheDocument();
  });

  it('draws overall, scalability and security history in one chart, with the regression marked once', async () => {
    const api = mockPostureApi();
    await renderTab(api);
    const chart = await screen.findByTestId('posture-history');
    expect(screen.getAllByTestId('posture-history')).toHaveLength(1);
    for (const key of ['overall', 'scalability', 'security']) {
      expect(within(chart).getByTestId(`posture-history-${key}`)).toBeInTheDocument();
    }
    expect(within(chart).getByTestId('posture-history-legend-overall')).toHaveTextContent('Overall 74');
    expect(within(chart).getAllByTestId('posture-regression')).toHaveLength(1);
    // overall fell twice, scalability and security once each
    expect(within(chart).getAllByTestId('posture-history-drop')).toHaveLength(4);
    expect(
      screen.getByRole('img', {
        name: 'Score history: 3 collections from 2024-05-01 to 2024-05-20; latest overall 74, scalability 62, security 85; 4 drops, 1 regression',
      }),
    ).toBeInTheDocument();
    expect(screen.queryByTestId('posture-history-single')).not.toBeInTheDocument();
  });

  it('explains which annotation to add when the entity has none', async () => {
    const api = mockPostureApi({
      getEntityScorecard: jest.fn().mockResolvedValue(
        entityScorecard({ state: 'no-annotations', combined: null, clusters: [], results: [] }),
      ),
    });
    await renderTab(api);
    const empty = await screen.findByTestId('posture-no-annotations');
    expect(empty).toHaveTextContent('backstage.io/kubernetes-id');
    expect(empty).toHaveTextContent('backstage.io/kubernetes-id: checkout');
  });

  it('says which selector and clusters were searched when no workload matched', async () => {
    const api = mockPostureApi({
      getEntityScorecard: jest.fn().mockResolvedValue(
        entityScorecard({
          state: 'no-workloads',
          combined: null,
          clusters: [],
          results: [],
          match: { kubernetesId: null, labelSelector: 'app=checkout', namespace: 'shop', clusters: ['prod-eu', 'prod-us'] },
        }),
      ),
    });
    await renderTab(api);
    const empty = await screen.findByTestId('posture-no-workloads');
    expect(empty).toHaveTextContent('label selector "app=checkout" in namespace shop of these clusters: prod-eu, prod-us');
  });

  it('says "no permission" on a 403, without a retry', async () => {
    const api = mockPostureApi({ getEntityScorecard: jest.fn().mockRejectedValue(await responseError(403, 'not allowed')) });
    await renderTab(api);
    expect(await screen.findByTestId('posture-permission-denied')).toHaveTextContent('No permission');
    expect(screen.queryByRole('button', { name: 'Retry' })).not.toBeInTheDocument();
  });

  it('says "not collected yet" on a 404', async () => {
    const api = mockPostureApi({ getEntityScorecard: jest.fn().mockRejectedValue(await responseError(404)) });
    await renderTab(api);
    expect(await screen.findByTestId('posture-not-collected')).toHaveTextContent('Not collected yet');
  });

  it('shows other errors with a retry that loads again', async () => {
    const getEntityScorecard = jest
      .fn()
      .mockRejectedValueOnce(await responseError(500, 'database is down'))
      .mockResolvedValueOnce(entityScorecard());
    await renderTab(mockPostureApi({ getEntityScorecard }));
    expect(await screen.findByTestId('posture-error')).toHaveTextContent('database is down');
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByTestId('posture-gauge-security')).toBeInTheDocument();
    expect(getEntityScorecard).toHaveBeenCalledTimes(2);
  });

  it('still lists results by id when the check catalog fails', async () => {
    const api = mockPostureApi({ listChecks: jest.fn().mockRejectedValue(new Error('catalog unavailable')) });
    await renderTab(api);
    const rows = await allRows();
    expect(rows.length).toBeGreaterThan(0);
    expect(screen.getByText(/Check descriptions could not be loaded \(catalog unavailable\)/)).toBeInTheDocument();
    await waitFor(() => expect(screen.getAllByText('replicas').length).toBeGreaterThan(0));
  });

  it('opens on the fix-first list: failing checks of both pillars by severity, under the level strip', async () => {
    await renderTab(mockPostureApi());
    const strip = await screen.findByTestId('posture-fix-first-strip');
    // replicas (high); read-only-root-filesystem (medium) and image-tag (low, its exemption expired)
    expect(strip).toHaveTextContent('Fix 1 high check to reach Silver; 2 medium or low to reach Gold.');
    const card = strip.closest('[class*="MuiCard-root"]') as HTMLElement;
    const ids = within(card).getAllByTestId('posture-check-row').map(r => r.getAttribute('data-check-id'));
    expect(ids).toEqual(['replicas', 'read-only-root-filesystem', 'image-tag']);
    // the fix list comes before the full list on the page
    const all = screen.getByTestId('posture-all-checks');
    expect(card.compareDocumentPosition(all) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });

  it('explains the numbers and names the lowest level', async () => {
    const api = mockPostureApi({
      getEntityScorecard: jest.fn().mockResolvedValue(
        entityScorecard({
          combined: scorecard({ level: 'None', failingBySeverity: { critical: 2, high: 1, medium: 0, low: 0 } }),
        }),
      ),
    });
    await renderTab(api);
    expect(await screen.findByTestId('posture-level')).toHaveTextContent('No level');
    await userEvent.click(screen.getByRole('button', { name: /How these numbers are computed/ }));
    const explainer = screen.getByTestId('posture-scoring-explainer');
    expect(explainer).toHaveTextContent('critical 10, high 5, medium 3, low 1');
    expect(explainer).toHaveTextContent('caps the grade at D');
    expect(screen.getByTestId('posture-scoring-why')).toHaveTextContent('level No level because 2 critical results fail');
  });

  it('fills the remediation patch with the failing workloads and containers, and links references upstream', async () => {
    await renderTab(mockPostureApi({
      listChecks: jest.fn().mockResolvedValue(
        CHECKS.map(c =>
          c.id === 'read-only-root-filesystem'
            ? { ...c, remediation: { text: 'Mount it read-only.', patch: 'metadata:\n  name: <name>\n  namespace: <namespace>\ncontainers:\n  - name: <container>\n' } }
            : c,
        ),
      ),
    }));
    const rorf = (await allRows())[2];
    await userEvent.click(within(rorf).getByRole('button', { name: /Read-only root filesystem/ }));
    const patches = await within(rorf).findAllByTestId('posture-remediation-patch');
    expect(patches.map(p => p.getAttribute('data-for'))).toEqual([
      'Deployment shop/checkout, container app (prod-eu)',
      'Deployment shop/checkout-worker, container sidecar (prod-us)',
    ]);
    await waitFor(() => expect(patches[1]).toHaveTextContent('name: checkout-worker'));
    expect(patches[1]).toHaveTextContent('- name: sidecar');
    expect(rorf).not.toHaveTextContent('<name>');
    const link = within(rorf).getAllByTestId('posture-reference-link').find(l => l.textContent === 'kubescape C-0017');
    expect(link).toHaveAttribute('href', 'https://hub.armosec.io/docs/c-0017');
  });

  it('links a manifest file into the repository named by the source location', async () => {
    const entity = {
      ...componentEntity,
      metadata: {
        ...componentEntity.metadata,
        annotations: {
          ...componentEntity.metadata.annotations,
          'backstage.io/source-location': 'url:https://github.com/example/shop/tree/main/',
        },
      },
    };
    const results = RESULTS.map(r => (r.checkId === 'replicas' ? { ...r, file: 'deploy/checkout.yaml' } : r));
    await renderTab(mockPostureApi({ getEntityScorecard: jest.fn().mockResolvedValue(entityScorecard({ results })) }), entity);
    const replicas = (await allRows())[0];
    await userEvent.click(within(replicas).getByRole('button', { name: /Runs more than one replica/ }));
    expect(within(replicas).getByTestId('posture-source-file')).toHaveAttribute(
      'href',
      'https://github.com/example/shop/tree/main/deploy/checkout.yaml',
    );
  });

  it('labels golden paths as paths for new services and leaves out those that do not fit', async () => {
    const java = { ...componentEntity, metadata: { ...componentEntity.metadata, tags: ['java'] } };
    await renderTab(mockPostureApi(), java, [
      templateEntity('node-only', 'scalability=100,security=100', ['golden-path', 'nodejs']),
      templateEntity('java-stack', 'scalability=100,security=100', ['golden-path', 'java']),
      templateEntity('stateful', 'scalability=100,security=100', ['golden-path', 'java', 'statefulset']),
    ]);
    const suggestions = await screen.findAllByTestId('posture-golden-path-suggestion');
    expect(suggestions.map(s => s.getAttribute('data-template-ref'))).toEqual(['template:default/java-stack']);
    expect(screen.getByText('Golden paths for new services')).toBeInTheDocument();
  });

  it('offers "collect now" only to users allowed posture.refresh, and reports the result', async () => {
    await renderTab(mockPostureApi());
    await allRows();
    expect(screen.queryByRole('button', { name: 'Collect now' })).not.toBeInTheDocument();
  });

  it('collects now, shows progress, and says what changed', async () => {
    const first = entityScorecard();
    const after = entityScorecard({
      combined: scorecard({ grades: { scalability: 'B', security: 'B', overall: 'B' }, level: 'Silver' }),
      clusters: first.clusters.map(c => ({ ...c, collectedAt: '2024-06-01T12:30:00Z' })),
    });
    const getEntityScorecard = jest.fn().mockResolvedValueOnce(first).mockResolvedValue(after);
    const api = mockPostureApi({ getEntityScorecard });
    await renderTab(api, componentEntity, TEMPLATES, true);
    const button = await screen.findByRole('button', { name: 'Collect now' }, { timeout: 5000 });
    await userEvent.click(button);
    expect(api.refresh).toHaveBeenCalledTimes(1);
    expect(await screen.findByText('Collecting from every cluster…')).toBeInTheDocument();
    expect(await screen.findByTestId('posture-collect-result', {}, { timeout: 10_000 })).toHaveTextContent(
      'Collected: now grade B, Silver (was grade C, Bronze).',
    );
  }, 20_000);

  it("says when to retry when a collection was triggered moments ago (the server's message, not the status)", async () => {
    const api = mockPostureApi({
      refresh: jest.fn().mockRejectedValue(await responseError(429, 'A collection was triggered moments ago; retry in 42 s')),
    });
    await renderTab(api, componentEntity, TEMPLATES, true);
    await userEvent.click(await screen.findByRole('button', { name: 'Collect now' }, { timeout: 5000 }));
    expect(await screen.findByTestId('posture-collect-result')).toHaveTextContent(
      'Collection could not be started: A collection was triggered moments ago; retry in 42 s',
    );
  });
});
