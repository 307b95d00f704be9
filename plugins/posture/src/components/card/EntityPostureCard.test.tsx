import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { EntityProvider, entityRouteRef } from '@backstage/plugin-catalog-react';
import { PostureApi } from '@posture-dev/backstage-plugin-posture-common';
import { postureApiRef } from '../../api';
import { componentEntity, entityScorecard, mockPostureApi, responseError } from '../../testUtils/fixtures';
import { EntityPostureCard } from './EntityPostureCard';

async function renderCard(api: PostureApi) {
  await renderInTestApp(
    <TestApiProvider apis={[[postureApiRef, api]]}>
      <EntityProvider entity={componentEntity}>
        <EntityPostureCard />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

describe('EntityPostureCard', () => {
  it('shows the grade, level and both scores, linking to the Posture tab', async () => {
    await renderCard(mockPostureApi());
    expect(await screen.findByTestId('posture-grade')).toHaveTextContent('C');
    expect(screen.getByTestId('posture-level')).toHaveTextContent('Bronze');
    expect(screen.getByTestId('posture-card-score-scalability')).toHaveTextContent('62');
    expect(screen.getByTestId('posture-card-score-security')).toHaveTextContent('85');
    expect(screen.getByRole('link', { name: /View posture/ })).toHaveAttribute(
      'href',
      '/catalog/default/component/checkout/posture',
    );
  });

  it('explains a missing annotation', async () => {
    const api = mockPostureApi({
      getEntityScorecard: jest.fn().mockResolvedValue(entityScorecard({ state: 'no-annotations', combined: null })),
    });
    await renderCard(api);
    expect(await screen.findByText(/Add the backstage.io\/kubernetes-id annotation/)).toBeInTheDocument();
  });

  it('says so when the user may not see the posture', async () => {
    await renderCard(mockPostureApi({ getEntityScorecard: jest.fn().mockRejectedValue(await responseError(403)) }));
    expect(await screen.findByText(/do not have permission/)).toBeInTheDocument();
  });

  it('says "not collected yet" on a 404', async () => {
    await renderCard(mockPostureApi({ getEntityScorecard: jest.fn().mockRejectedValue(await responseError(404)) }));
    expect(await screen.findByText('Not collected yet.')).toBeInTheDocument();
  });

  it('offers a retry on other errors', async () => {
    const getEntityScorecard = jest
      .fn()
      .mockRejectedValueOnce(await responseError(502, 'bad gateway'))
      .mockResolvedValueOnce(entityScorecard());
    await renderCard(mockPostureApi({ getEntityScorecard }));
    expect(await screen.findByTestId('posture-error')).toHaveTextContent('bad gateway');
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByTestId('posture-grade')).toHaveTextContent('C');
  });
});
