import { render, screen, within } from '@testing-library/react';
import { DistributionBars } from './DistributionBars';

describe('DistributionBars', () => {
  it('prints every label and count as text, bars scaled to the largest bucket', () => {
    render(
      <DistributionBars
        id="levels"
        title="Levels"
        order={['Gold', 'None', 'none']}
        counts={{ Gold: 4, None: 2 }}
        labels={{ None: 'No level', none: 'not scored' }}
      />,
    );
    const figure = screen.getByTestId('posture-distribution-levels');
    expect(within(figure).getAllByTestId('posture-distribution-label').map(l => l.textContent)).toEqual([
      'Gold',
      'No level',
      'not scored',
    ]);
    expect(screen.getByRole('img', { name: 'Levels: Gold 4, No level 2, not scored 0' })).toBeInTheDocument();
    // rows in bucket order (a selector on data-bucket would not tell "None" from "none" in jsdom)
    const widths = Array.from(figure.querySelectorAll('[data-bucket]')).map(
      row => (row.children[1].firstChild as HTMLElement).style.width,
    );
    expect(widths).toEqual(['100%', '50%', '0%']);
  });
});
