import { ReactElement } from 'react';
import { fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ThemeProvider, createTheme } from '@material-ui/core/styles';
import { gradeColor } from '../../lib/format';
import { groupPoints } from '../../lib/quadrant';
import { QuadrantChart, QuadrantPoint } from './QuadrantChart';

// counts how often the markers are drawn: gradeColor runs once per marker per render
jest.mock('../../lib/format', () => {
  const actual = jest.requireActual('../../lib/format');
  return { ...actual, gradeColor: jest.fn(actual.gradeColor) };
});

const renderChart = (chart: ReactElement) => render(<ThemeProvider theme={createTheme()}>{chart}</ThemeProvider>);

function manyPoints(n: number): QuadrantPoint[] {
  return Array.from({ length: n }, (_, i) => ({
    entityRef: `component:default/svc-${i}`,
    name: `svc-${i}`,
    // a deterministic spread over the whole plane, with some services on the same spot
    scalability: ((i * 37) % 1001) / 10,
    security: ((i * 53) % 997) / 10,
    grade: (['A', 'B', 'C', 'D', 'F'] as const)[i % 5],
  }));
}

const point = (name: string, scalability: number, security: number, grade: QuadrantPoint['grade'] = 'C') => ({
  entityRef: `component:default/${name}`,
  name,
  scalability,
  security,
  grade,
});

/** one per quadrant, and two services on the same spot at risk */
const FLEET: QuadrantPoint[] = [
  point('web', 95, 95, 'A'),
  point('docs', 20, 95, 'C'),
  point('batch', 95, 20, 'D'),
  point('cart', 10, 10, 'F'),
  point('api', 10.2, 9.9, 'D'),
];

describe('QuadrantChart', () => {
  beforeEach(() => jest.mocked(gradeColor).mockClear());

  it('draws 5,000 points as one marker per spot in one svg, and does not redraw them on hover', () => {
    const points = manyPoints(5000);
    const onSelect = jest.fn();
    renderChart(<QuadrantChart points={points} onSelect={onSelect} />);
    const markers = screen.getAllByTestId('quadrant-point');
    const groups = groupPoints(points);
    expect(markers).toHaveLength(groups.length);
    expect(groups.length).toBeLessThan(5000);
    // every service is on the chart exactly once
    expect(markers.reduce((n, m) => n + Number(m.getAttribute('data-count')), 0)).toBe(5000);
    expect(document.querySelectorAll('svg[data-testid="posture-quadrant"]')).toHaveLength(1);
    const drawn = jest.mocked(gradeColor).mock.calls.length;
    expect(drawn).toBe(groups.length);

    const last = markers.length - 1;
    for (const i of [10, 20, 30, 40, last]) fireEvent.mouseMove(markers[i]);
    expect(screen.getByTestId('quadrant-tooltip')).toHaveTextContent(groups[last].points[0].name);
    // hover state changed five times; the memoised markers layer was not re-rendered
    expect(jest.mocked(gradeColor).mock.calls.length).toBe(drawn);

    const single = groups.findIndex(g => g.points.length === 1);
    fireEvent.click(markers[single]);
    expect(onSelect).toHaveBeenCalledWith(groups[single].points[0]);
  });

  it('draws services on the same spot as one marker with their count, names them, and lists them on a click', async () => {
    const onSelect = jest.fn();
    renderChart(<QuadrantChart points={FLEET} onSelect={onSelect} />);
    const markers = screen.getAllByTestId('quadrant-point');
    expect(markers).toHaveLength(4);
    const shared = markers.find(m => m.getAttribute('data-count') === '2')!;
    expect(shared).toHaveAttribute('data-entity-refs', 'component:default/api component:default/cart');
    expect(shared).toHaveAccessibleName(/^2 services at scalability 10, security 10: api, cart\./);
    // the count is printed on the marker, and the marker takes the worst grade's colour
    expect(shared.parentElement).toHaveTextContent('2');
    expect(shared).toHaveAttribute('fill', gradeColor('F'));

    fireEvent.mouseMove(shared);
    const tooltip = screen.getByTestId('quadrant-tooltip');
    expect(tooltip).toHaveTextContent('2 services here');
    expect(tooltip).toHaveTextContent('api · D');
    expect(tooltip).toHaveTextContent('cart · F');

    fireEvent.click(shared);
    const menu = await screen.findByTestId('quadrant-group-menu');
    expect(onSelect).not.toHaveBeenCalled();
    await userEvent.click(within(menu).getByRole('menuitem', { name: /^cart/ }));
    expect(onSelect).toHaveBeenCalledWith(FLEET[3]);
  });

  it('ignores clicks and moves that are on neither a marker nor a quadrant', () => {
    const onSelect = jest.fn();
    renderChart(<QuadrantChart points={manyPoints(3)} onSelect={onSelect} />);
    const svg = screen.getByTestId('posture-quadrant');
    fireEvent.mouseMove(svg);
    fireEvent.click(svg);
    expect(onSelect).not.toHaveBeenCalled();
    expect(screen.queryByTestId('quadrant-tooltip')).not.toBeInTheDocument();
  });

  it('labels the quadrants with their counts, summarises them, and explains the threshold', () => {
    renderChart(<QuadrantChart onSelect={jest.fn()} points={FLEET} />);
    expect(screen.getByTestId('quadrant-label-at-risk')).toHaveTextContent('At risk (2)');
    expect(screen.getByTestId('quadrant-label-scalable-exposed')).toHaveTextContent('Scalable but exposed (1)');
    const chart = screen.getByRole('group', {
      name: 'Balance quadrant of 5 services, scalability across, security up, split at 70: Balanced 1, Secure but fragile 1, Scalable but exposed 1, At risk 2',
    });
    expect(chart).toHaveAccessibleDescription(/split each axis at 70, the lowest score that grades C/);
    expect(screen.getByTestId('quadrant-threshold')).toHaveTextContent('70 = C or better');
  });

  it('filters by quadrant on a click, and clears on a second one', async () => {
    const onSelectQuadrant = jest.fn();
    const { rerender } = renderChart(
      <QuadrantChart points={FLEET} onSelect={jest.fn()} onSelectQuadrant={onSelectQuadrant} />,
    );
    await userEvent.click(screen.getByTestId('quadrant-region-at-risk'));
    expect(onSelectQuadrant).toHaveBeenLastCalledWith('at-risk');

    rerender(
      <ThemeProvider theme={createTheme()}>
        <QuadrantChart points={FLEET} onSelect={jest.fn()} selected="at-risk" onSelectQuadrant={onSelectQuadrant} />
      </ThemeProvider>,
    );
    const region = screen.getByRole('button', { name: /^At risk: 2 services/ });
    expect(region).toHaveAttribute('aria-pressed', 'true');
    expect(screen.getByRole('button', { name: /^Balanced: 1 service,/ })).toHaveAttribute('aria-pressed', 'false');
    // the other quadrants' markers step back
    const outside = screen.getAllByTestId('quadrant-point').find(m => m.getAttribute('data-quadrant') === 'balanced')!;
    expect(outside.parentElement).toHaveAttribute('opacity', '0.3');
    await userEvent.click(region);
    expect(onSelectQuadrant).toHaveBeenLastCalledWith(undefined);
  });

  it('is operable by keyboard: quadrants are tab stops, markers one roving tab stop', async () => {
    const onSelect = jest.fn();
    const onSelectQuadrant = jest.fn();
    renderChart(<QuadrantChart points={FLEET} onSelect={onSelect} onSelectQuadrant={onSelectQuadrant} />);

    // in reading order: top left, top right, bottom left, bottom right
    await userEvent.tab();
    expect(screen.getByTestId('quadrant-region-secure-fragile')).toHaveFocus();
    await userEvent.keyboard('{Enter}');
    expect(onSelectQuadrant).toHaveBeenLastCalledWith('secure-fragile');
    await userEvent.tab();
    expect(screen.getByTestId('quadrant-region-balanced')).toHaveFocus();
    await userEvent.tab();
    await userEvent.keyboard(' ');
    expect(onSelectQuadrant).toHaveBeenLastCalledWith('at-risk');
    await userEvent.tab();
    expect(screen.getByTestId('quadrant-region-scalable-exposed')).toHaveFocus();
    await userEvent.tab();

    // then the markers, in reading order: top left first
    const markers = screen.getAllByTestId('quadrant-point');
    expect(markers.filter(m => m.getAttribute('tabindex') === '0')).toHaveLength(1);
    expect(document.activeElement).toHaveAccessibleName(/^docs: scalability 20, security 95, grade C\./);
    expect(screen.getByTestId('quadrant-tooltip')).toHaveTextContent('docs');
    await userEvent.keyboard('{ArrowRight}');
    expect(document.activeElement).toHaveAccessibleName(/^web:/);
    await userEvent.keyboard('{End}');
    expect(document.activeElement).toHaveAccessibleName(/^2 services/);
    await userEvent.keyboard('{Home}{ArrowDown}{Enter}');
    expect(onSelect).toHaveBeenCalledWith(FLEET[0]);
    // one tab leaves the markers: they are a single stop
    await userEvent.tab();
    expect(screen.getByTestId('posture-quadrant')).not.toContainElement(document.activeElement as HTMLElement);
  });
});
