import { screen } from '@testing-library/react';
import { renderTestApp } from '@backstage/frontend-test-utils';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock, createTestEntityPage } from '@backstage/plugin-catalog-react/testUtils';
import posturePlugin from './alpha';
import { postureApiRef } from './api';
import { componentEntity, groupEntity, mockPostureApi } from './testUtils/fixtures';

// the first render of each lazily loaded view compiles it; on a busy CI machine that takes seconds
jest.setTimeout(30000);

function renderApp(path: string) {
  const api = mockPostureApi();
  renderTestApp({
    features: [posturePlugin],
    initialRouteEntries: [path],
    mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    apis: [
      [postureApiRef, api],
      [catalogApiRef, catalogApiMock.mock({ getEntities: jest.fn().mockResolvedValue({ items: [] }) })],
    ],
  });
  return api;
}

describe('posture plugin (new frontend system)', () => {
  it('provides the api, the page, both entity tabs and the card', () => {
    expect(posturePlugin.pluginId).toBe('posture');
    for (const id of [
      'api:posture',
      'page:posture',
      'entity-content:posture/entity',
      'entity-content:posture/group',
      'entity-card:posture/summary',
    ] as const) {
      expect(posturePlugin.getExtension(id)).toBeDefined();
    }
  });

  it('serves the overview at /posture', async () => {
    const api = renderApp('/posture?grade=F');
    expect(await screen.findAllByTestId('posture-overview-row', {}, { timeout: 15000 })).toHaveLength(2);
    expect(api.getOverview).toHaveBeenCalledWith({ grade: ['F'], limit: 25, offset: 0 });
  });

  it('serves the check catalog at /posture/checks', async () => {
    renderApp('/posture/checks');
    expect(await screen.findAllByTestId('posture-catalog-check', {}, { timeout: 15000 })).toHaveLength(6);
  });

  it('renders the entity card and Posture tab on a component page', async () => {
    const api = mockPostureApi();
    renderTestApp({
      extensions: [
        createTestEntityPage({ entity: componentEntity }),
        posturePlugin.getExtension('entity-card:posture/summary'),
        posturePlugin.getExtension('entity-content:posture/entity'),
      ],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      apis: [
        [postureApiRef, api],
        [catalogApiRef, catalogApiMock.mock({ getEntities: jest.fn().mockResolvedValue({ items: [] }) })],
      ],
    });
    expect(await screen.findByTestId('posture-card', {}, { timeout: 15000 })).toBeInTheDocument();
    expect(await screen.findAllByTestId('posture-check-row', {}, { timeout: 15000 })).not.toHaveLength(0);
  });

  it('renders the team view on a group page', async () => {
    const api = mockPostureApi();
    renderTestApp({
      extensions: [
        createTestEntityPage({ entity: groupEntity }),
        posturePlugin.getExtension('entity-content:posture/group'),
      ],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      apis: [[postureApiRef, api]],
    });
    expect(await screen.findAllByTestId('posture-worst-check', {}, { timeout: 15000 })).toHaveLength(2);
    expect(api.getGroupRollup).toHaveBeenCalledWith({ namespace: 'default', name: 'team-a' }, { scope: 'tree' });
  });
});
