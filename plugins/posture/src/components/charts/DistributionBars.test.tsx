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
    const bar = (bucket: string) => (figure.querySelector(`[data-bucket="${bucket}"]`)!.children[1].firstChild as HTMLElement).style.width;
    expect(bar('Gold')).toBe('100%');
    expect(bar('None')).toBe('50%');
    expect(bar('none')).toBe('0%');
  });
});
