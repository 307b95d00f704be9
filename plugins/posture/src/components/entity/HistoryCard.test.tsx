import { screen, within } from '@testing-library/react';
import { renderInTestApp, TestApiProvider, mockApis } from '@backstage/test-utils';
import { configApiRef } from '@backstage/core-plugin-api';
import { HistoryPoint } from '@posture-dev/backstage-plugin-posture-common';
import { postureApiRef } from '../../api';
import { HISTORY, mockPostureApi } from '../../testUtils/fixtures';
import { HistoryCard } from './HistoryCard';

const REF = { kind: 'Component', namespace: 'default', name: 'checkout' };

async function renderCard(points: HistoryPoint[], config: object = {}) {
  const api = mockPostureApi({ getEntityHistory: jest.fn().mockResolvedValue(points) });
  await renderInTestApp(
    <TestApiProvider apis={[[postureApiRef, api], [configApiRef, mockApis.config({ data: config })]]}>
      <HistoryCard entityRef={REF} />
    </TestApiProvider>,
  );
  return api;
}

describe('HistoryCard', () => {
  it('shows a lone point and names the collection interval the config exposes', async () => {
    await renderCard([HISTORY[2]], { posture: { schedule: { frequency: { minutes: 2 } } } });
    const chart = await screen.findByTestId('posture-history');
    // the point is drawn on each of the three lines
    expect(within(chart).getAllByTestId('posture-history-point')).toHaveLength(3);
    expect(screen.getByRole('img', { name: /^Score history: 1 collection on 2024-05-20;/ })).toBeInTheDocument();
    expect(screen.getByTestId('posture-history-single')).toHaveTextContent(
      'One collection so far (2024-05-20 00:00:00 UTC). Collections run every 2 minutes; a new point is stored when a collection finds a changed score, and the trend line appears with it.',
    );
  });

  it('invents no interval when the config does not expose one', async () => {
    await renderCard([HISTORY[0]]);
    const text = await screen.findByTestId('posture-history-single');
    expect(text).toHaveTextContent(/^One collection so far \(2024-05-01 00:00:00 UTC\)\. A new point is stored/);
    expect(text).not.toHaveTextContent(/every/);
  });

  it('says when there is no history at all', async () => {
    await renderCard([]);
    expect(await screen.findByText(/No history yet/)).toBeInTheDocument();
    expect(screen.queryByTestId('posture-history')).not.toBeInTheDocument();
  });

  it('asks for the history of the entity it is given', async () => {
    const api = await renderCard(HISTORY);
    await screen.findByTestId('posture-history');
    expect(api.getEntityHistory).toHaveBeenCalledWith(REF);
  });
});
