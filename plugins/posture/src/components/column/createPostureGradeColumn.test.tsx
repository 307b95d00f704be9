import { screen, within } from '@testing-library/react';
import { Table } from '@backstage/core-components';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { Entity } from '@backstage/catalog-model';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { postureApiRef } from '../../api';
import { mockPostureApi, overviewResponse, overviewRow } from '../../testUtils/fixtures';
import { createPostureGradeColumn } from './createPostureGradeColumn';

const entity = (name: string, kind = 'Component'): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name, namespace: 'default' },
  spec: {},
});

const ROWS = [
  entity('checkout'),
  entity('ops-console'),
  entity('docs-portal'),
  entity('unknown'),
  entity('shop', 'System'),
].map(e => ({ entity: e, id: e.metadata.name }));

const OVERVIEW = overviewResponse([
  overviewRow({ name: 'checkout', grade: 'C', overall: 74, level: 'Bronze', pssLevel: 'baseline' }),
  overviewRow({ name: 'ops-console', grade: 'F', overall: 31, level: 'None', pssLevel: 'privileged' }),
  overviewRow({ name: 'docs-portal', state: 'no-annotations', grade: null, overall: null, level: null, pssLevel: null }),
]);

async function renderTable() {
  const api = mockPostureApi({ getOverview: jest.fn().mockResolvedValue(OVERVIEW) });
  await renderInTestApp(
    <TestApiProvider apis={[[postureApiRef, api]]}>
      <Table
        title="Catalog"
        options={{ paging: false, search: false }}
        data={ROWS}
        columns={[
          { title: 'Name', field: 'id' },
          createPostureGradeColumn<(typeof ROWS)[number]>(),
        ]}
      />
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
  return api;
}

function cellOf(name: string) {
  return within(screen.getByRole('row', { name: new RegExp(`^${name}\\b`) })).getByTestId('posture-grade-cell');
}

describe('createPostureGradeColumn', () => {
  it('shows every row its grade from ONE overview request, linking to the Posture tab', async () => {
    const api = await renderTable();
    expect(await screen.findByRole('link', { name: /Posture grade F/ })).toHaveAttribute(
      'href',
      '/catalog/default/component/ops-console/posture',
    );
    expect(cellOf('checkout')).toHaveTextContent('C');
    expect(cellOf('ops-console')).toHaveAttribute('title', 'Overall 31 · no level · PSS privileged');
    expect(api.getOverview).toHaveBeenCalledTimes(1);
    expect(api.getOverview.mock.calls[0][0]?.kind).toEqual(['component']);
  });

  it('says why a row has no grade, and leaves kinds Posture does not score empty', async () => {
    await renderTable();
    await screen.findByRole('link', { name: /Posture grade C/ });
    expect(cellOf('docs-portal')).toHaveTextContent('–');
    expect(cellOf('docs-portal')).toHaveAttribute('title', expect.stringContaining('backstage.io/kubernetes-id'));
    expect(cellOf('unknown')).toHaveAttribute('title', 'Not scored yet');
    const system = screen.getByRole('row', { name: /^shop\b/ });
    expect(within(system).queryByTestId('posture-grade-cell')).not.toBeInTheDocument();
  });

  it('cannot be sorted or searched by, since the grade arrives after the rows', () => {
    const column = createPostureGradeColumn({ title: 'Grade' });
    expect(column).toMatchObject({ title: 'Grade', sorting: false, searchable: false });
  });
});
