import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { HistoryPoint } from '@posture-dev/backstage-plugin-posture-common';
import { formatDate, formatDateTime, formatScore } from '../../lib/format';
import { HistorySeriesKey, PlotArea, describeRegression, plotPillar, xPositions } from '../../lib/history';

export interface HistorySeries {
  key: HistorySeriesKey;
  label: string;
  color: string;
  /** the overall line is drawn thicker, as the one to read first */
  width: number;
}

/** Overall first: it is what the grade is made from; the pillars explain it. */
export const HISTORY_SERIES: readonly HistorySeries[] = [
  { key: 'overall', label: 'Overall', color: '#37474f', width: 3 },
  { key: 'scalability', label: 'Scalability', color: '#1976d2', width: 2 },
  { key: 'security', label: 'Security', color: '#7b1fa2', width: 2 },
];

// wide and low: one strip across the card, not a chart per pillar
const AREA: PlotArea = { width: 900, height: 150, left: 30, right: 10, top: 8, bottom: 22 };
const TICKS = [0, 50, 70, 90, 100];
const DROP = '#c62828';

function latestScore(points: HistoryPoint[], key: HistorySeriesKey): number | null {
  for (let i = points.length - 1; i >= 0; i--) {
    const v = points[i][key];
    if (v !== null && v !== undefined) return v;
  }
  return null;
}

/**
 * Overall, scalability and security scores over time in one chart. A point where a score fell is
 * red; a collection where the server saw the grade or level drop gets one dashed marker.
 */
export function HistoryChart(props: { points: HistoryPoint[] }) {
  const { points } = props;
  if (points.length === 0) return null;
  const xs = xPositions(points, AREA);
  const lines = HISTORY_SERIES.map(s => {
    const segments = plotPillar(points, s.key, AREA);
    return { ...s, segments, plotted: segments.flat() };
  });
  const drops = lines.reduce((n, l) => n + l.plotted.filter(p => p.dropped).length, 0);
  const regressions = points
    .map((p, i) => ({ p, x: xs[i], text: describeRegression(p) }))
    .filter((r): r is { p: HistoryPoint; x: number; text: string } => r.text !== undefined);
  const first = points[0];
  const last = points[points.length - 1];
  const span = points.length === 1 ? `on ${formatDate(first.at)}` : `from ${formatDate(first.at)} to ${formatDate(last.at)}`;
  const latest = lines.map(l => `${l.label.toLowerCase()} ${formatScore(latestScore(points, l.key))}`).join(', ');
  const summary = `Score history: ${points.length} collection${points.length === 1 ? '' : 's'} ${span}; latest ${latest}; ${drops} drop${drops === 1 ? '' : 's'}, ${regressions.length} regression${regressions.length === 1 ? '' : 's'}`;
  const bottom = AREA.height - AREA.bottom;

  return (
    <figure style={{ margin: 0 }} data-testid="posture-history" data-points={points.length}>
      <Box component="figcaption" display="flex" flexWrap="wrap" alignItems="center" style={{ gap: 16 }} mb={0.5}>
        {lines.map(l => (
          <Box key={l.key} display="flex" alignItems="center" style={{ gap: 6 }} data-testid={`posture-history-legend-${l.key}`}>
            <svg width={18} height={8} aria-hidden>
              <line x1={0} x2={18} y1={4} y2={4} stroke={l.color} strokeWidth={l.width} />
            </svg>
            <Typography variant="body2" component="span">
              {`${l.label} ${formatScore(latestScore(points, l.key))}`}
            </Typography>
          </Box>
        ))}
      </Box>
      <svg width="100%" viewBox={`0 0 ${AREA.width} ${AREA.height}`} role="img" aria-label={summary}>
        <title>{summary}</title>
        {TICKS.map(t => {
          const y = AREA.top + (1 - t / 100) * (AREA.height - AREA.top - AREA.bottom);
          return (
            <g key={t}>
              <line x1={AREA.left} x2={AREA.width - AREA.right} y1={y} y2={y} stroke="#e0e0e0" strokeDasharray={t === 0 || t === 100 ? undefined : '2 3'} />
              <text x={AREA.left - 4} y={y + 4} fontSize={11} textAnchor="end" fill="currentColor">
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
        {lines.map(l => (
          <g key={l.key} data-testid={`posture-history-${l.key}`}>
            {l.segments.map(seg => (
              <polyline
                key={`s-${seg[0].index}`}
                points={seg.map(p => `${p.x},${p.y}`).join(' ')}
                fill="none"
                stroke={l.color}
                strokeWidth={l.width}
                strokeLinejoin="round"
              />
            ))}
            {l.plotted.map(p => (
              <circle
                key={`p-${p.index}`}
                cx={p.x}
                cy={p.y}
                r={p.dropped ? 4.5 : 3.5}
                fill={p.dropped ? DROP : l.color}
                data-testid={p.dropped ? 'posture-history-drop' : 'posture-history-point'}
              >
                <title>{`${formatDateTime(p.at)}: ${l.label} ${formatScore(p.score)}${p.dropped ? ' (dropped)' : ''}`}</title>
              </circle>
            ))}
          </g>
        ))}
        {points.length === 1 ? (
          <text x={xs[0]} y={AREA.height - 6} fontSize={11} textAnchor="middle" fill="currentColor">
            {formatDate(first.at)}
          </text>
        ) : (
          <>
            <text x={AREA.left} y={AREA.height - 6} fontSize={11} fill="currentColor">
              {formatDate(first.at)}
            </text>
            <text x={AREA.width - AREA.right} y={AREA.height - 6} fontSize={11} textAnchor="end" fill="currentColor">
              {formatDate(last.at)}
            </text>
          </>
        )}
      </svg>
    </figure>
  );
}
