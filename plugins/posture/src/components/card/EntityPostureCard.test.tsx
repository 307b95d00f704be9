import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { EntityProvider, entityRouteRef } from '@backstage/plugin-catalog-react';
import { PostureApi } from '@posture-dev/backstage-plugin-posture-common';
import { postureApiRef } from '../../api';
import { componentEntity, entityScorecard, mockPostureApi, responseError, scorecard } from '../../testUtils/fixtures';
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
    expect(await screen.findByTestId('posture-grade')).toHaveTextContent('Grade C');
    expect(screen.getByTestId('posture-level')).toHaveTextContent('Bronze level');
    expect(screen.getByTestId('posture-card-critical')).toHaveTextContent('no critical');
    expect(screen.getByTestId('posture-card-high')).toHaveTextContent('1 high');
    expect(screen.getByTestId('posture-card-score-scalability')).toHaveTextContent('62');
    expect(screen.getByTestId('posture-card-score-security')).toHaveTextContent('85');
    expect(screen.getByRole('link', { name: /View posture/ })).toHaveAttribute(
      'href',
      '/catalog/default/component/checkout/posture',
    );
  });

  it('names a missing level and counts critical failures: "Grade F · no level · 5 critical"', async () => {
    const failing = scorecard({
      grades: { scalability: 'F', security: 'F', overall: 'F' },
      level: 'None',
      pssLevel: 'privileged',
      failingBySeverity: { critical: 5, high: 0, medium: 2, low: 0 },
    });
    await renderCard(
      mockPostureApi({ getEntityScorecard: jest.fn().mockResolvedValue(entityScorecard({ combined: failing })) }),
    );
    const chips = await screen.findByRole('group', { name: 'Grade F · no level · 5 critical' });
    expect(chips).toHaveTextContent('Grade F');
    expect(screen.getByTestId('posture-level')).toHaveTextContent(/^no level$/);
    expect(screen.getByTestId('posture-card-critical')).toHaveTextContent(/^5 critical$/);
    // no high-severity failures: that chip is left out rather than saying "0 high"
    expect(screen.queryByTestId('posture-card-high')).not.toBeInTheDocument();
    expect(screen.getByTestId('posture-pss-level')).toHaveTextContent('PSS privileged');
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
    expect(await screen.findByTestId('posture-grade')).toHaveTextContent('Grade C');
  });
});
