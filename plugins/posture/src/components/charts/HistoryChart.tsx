import Typography from '@material-ui/core/Typography';
import { HistoryPoint, Pillar } from '@posture-dev/backstage-plugin-posture-common';
import { capitalize, formatDate, formatDateTime, formatScore } from '../../lib/format';
import { PlotArea, describeRegression, plotPillar, xPositions } from '../../lib/history';

const AREA: PlotArea = { width: 560, height: 170, left: 34, right: 12, top: 10, bottom: 24 };
const TICKS = [0, 50, 70, 90, 100];
const DROP = '#c62828';

/** One pillar's score over time; points where it fell are red, and server-flagged regressions get a dashed marker. */
export function HistoryChart(props: { points: HistoryPoint[]; pillar: Pillar; color?: string }) {
  const { points, pillar, color = '#1976d2' } = props;
  const label = capitalize(pillar);
  const segments = plotPillar(points, pillar, AREA);
  const plotted = segments.flat();
  const xs = xPositions(points, AREA);
  const drops = plotted.filter(p => p.dropped).length;
  const regressions = points
    .map((p, i) => ({ p, x: xs[i], text: describeRegression(p) }))
    .filter((r): r is { p: HistoryPoint; x: number; text: string } => r.text !== undefined);
  const latest = plotted[plotted.length - 1];
  const summary = `${label} score history: ${plotted.length} points${
    latest ? `, latest ${formatScore(latest.score)}` : ''
  }, ${drops} drop${drops === 1 ? '' : 's'}, ${regressions.length} regression${regressions.length === 1 ? '' : 's'}`;
  const bottom = AREA.height - AREA.bottom;

  return (
    <figure style={{ margin: 0 }} data-testid={`posture-history-${pillar}`}>
      <Typography component="figcaption" variant="subtitle2">
        {label}
      </Typography>
      <svg width="100%" viewBox={`0 0 ${AREA.width} ${AREA.height}`} role="img" aria-label={summary}>
        <title>{summary}</title>
        {TICKS.map(t => {
          const y = AREA.top + (1 - t / 100) * (AREA.height - AREA.top - AREA.bottom);
          return (
            <g key={t}>
              <line x1={AREA.left} x2={AREA.width - AREA.right} y1={y} y2={y} stroke="#e0e0e0" strokeDasharray={t === 0 || t === 100 ? undefined : '2 3'} />
              <text x={AREA.left - 4} y={y + 4} fontSize={10} textAnchor="end" fill="currentColor">
                {t}
              </text>
            </g>
          );
        })}
        {regressions.map(({ p, x, text }) => (
          <g key={`r-${p.at}`} data-testid="posture-regression">
            <title>{`${formatDateTime(p.at)} ${text}`}</title>
            <line x1={x} x2={x} y1={AREA.top} y2={bottom} stroke={DROP} strokeDasharray="4 3" />
            <path d={`M ${x - 5} ${AREA.top} L ${x + 5} ${AREA.top} L ${x} ${AREA.top + 8} Z`} fill={DROP} />
          </g>
        ))}
        {segments.map(seg => (
          <polyline
            key={`s-${seg[0].index}`}
            points={seg.map(p => `${p.x},${p.y}`).join(' ')}
            fill="none"
            stroke={color}
            strokeWidth={2}
          />
        ))}
        {plotted.map(p => (
          <circle
            key={`p-${p.index}`}
            cx={p.x}
            cy={p.y}
            r={p.dropped ? 4 : 3}
            fill={p.dropped ? DROP : color}
            data-testid={p.dropped ? 'posture-history-drop' : undefined}
          >
            <title>{`${formatDateTime(p.at)}: ${label} ${formatScore(p.score)}${p.dropped ? ' (dropped)' : ''}`}</title>
          </circle>
        ))}
        {points.length > 0 && (
          <>
            <text x={AREA.left} y={AREA.height - 6} fontSize={10} fill="currentColor">
              {formatDate(points[0].at)}
            </text>
            <text x={AREA.width - AREA.right} y={AREA.height - 6} fontSize={10} textAnchor="end" fill="currentColor">
              {formatDate(points[points.length - 1].at)}
            </text>
          </>
        )}
      </svg>
    </figure>
  );
}
