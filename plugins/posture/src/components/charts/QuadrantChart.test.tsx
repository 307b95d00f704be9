import { fireEvent, render, screen } from '@testing-library/react';
import { gradeColor } from '../../lib/format';
import { QuadrantChart, QuadrantPoint } from './QuadrantChart';

// counts how often the points are drawn: gradeColor runs once per point per render
jest.mock('../../lib/format', () => {
  const actual = jest.requireActual('../../lib/format');
  return { ...actual, gradeColor: jest.fn(actual.gradeColor) };
});

function manyPoints(n: number): QuadrantPoint[] {
  return Array.from({ length: n }, (_, i) => ({
    entityRef: `component:default/svc-${i}`,
    name: `svc-${i}`,
    // a deterministic spread over the whole plane
    scalability: (i * 37) % 101,
    security: (i * 53) % 101,
    grade: (['A', 'B', 'C', 'D', 'F'] as const)[i % 5],
  }));
}

describe('QuadrantChart', () => {
  beforeEach(() => jest.mocked(gradeColor).mockClear());

  it('draws 5,000 points in one svg and does not redraw them on hover', () => {
    const points = manyPoints(5000);
    const onSelect = jest.fn();
    render(<QuadrantChart points={points} onSelect={onSelect} />);
    const circles = screen.getAllByTestId('quadrant-point');
    expect(circles).toHaveLength(5000);
    expect(document.querySelectorAll('svg[data-testid="posture-quadrant"]')).toHaveLength(1);
    const drawn = jest.mocked(gradeColor).mock.calls.length;
    expect(drawn).toBe(5000);

    for (const i of [10, 20, 30, 40, 4999]) fireEvent.mouseMove(circles[i]);
    expect(screen.getByTestId('quadrant-tooltip')).toHaveTextContent('svc-4999');
    // hover state changed five times; the memoised points layer was not re-rendered
    expect(jest.mocked(gradeColor).mock.calls.length).toBe(drawn);

    fireEvent.click(circles[1234]);
    expect(onSelect).toHaveBeenCalledWith(points[1234]);
  });

  it('ignores clicks and moves that are not on a point', () => {
    const onSelect = jest.fn();
    render(<QuadrantChart points={manyPoints(3)} onSelect={onSelect} />);
    const svg = screen.getByTestId('posture-quadrant');
    fireEvent.mouseMove(svg);
    fireEvent.click(svg);
    expect(onSelect).not.toHaveBeenCalled();
    expect(screen.queryByTestId('quadrant-tooltip')).not.toBeInTheDocument();
  });

  it('labels the quadrants with their counts and summarises them for screen readers', () => {
    render(
      <QuadrantChart
        onSelect={jest.fn()}
        points={[
          { entityRef: 'a', name: 'a', scalability: 95, security: 95, grade: 'A' },
          { entityRef: 'b', name: 'b', scalability: 20, security: 95, grade: 'C' },
          { entityRef: 'c', name: 'c', scalability: 95, security: 20, grade: 'D' },
          { entityRef: 'd', name: 'd', scalability: 10, security: 10, grade: 'F' },
          { entityRef: 'e', name: 'e', scalability: 5, security: 0, grade: 'F' },
        ]}
      />,
    );
    expect(screen.getByTestId('quadrant-label-at-risk')).toHaveTextContent('At risk (2)');
    expect(screen.getByTestId('quadrant-label-scalable-exposed')).toHaveTextContent('Scalable but exposed (1)');
    expect(
      screen.getByRole('img', {
        name: 'Balance quadrant of 5 services, scalability across, security up: Balanced 1, Secure but fragile 1, Scalable but exposed 1, At risk 2',
      }),
    ).toBeInTheDocument();
  });
});
