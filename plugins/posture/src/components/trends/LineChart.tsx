import Typography from '@material-ui/core/Typography';
import { formatDate } from '../../lib/format';

export interface Series {
  id: string;
  label: string;
  color: string;
  values: (number | null)[];
  /** dashed line, e.g. a secondary series */
  dashed?: boolean;
}

const W = 560;
const H = 180;
const PAD = { left: 36, right: 12, top: 10, bottom: 26 };

/**
 * A small time-series chart: x by time (so uneven gaps between collections stay uneven), y from 0 to
 * `max`. The summary in the title and aria-label says what a reader would look for.
 */
export function LineChart(props: {
  id: string;
  title: string;
  times: string[];
  series: Series[];
  max: number;
  summary: string;
  ticks?: number[];
}) {
  const { id, title, times, series, max, summary } = props;
  // whole-number ticks, so a label always sits where its value is
  const ticks = props.ticks ?? [...new Set([0, Math.round(max / 2), max])];
  const ts = times.map(t => Date.parse(t));
  // bounded-spread: at most the first and the last time
  const t0 = Math.min(...ts.slice(0, 1), ...ts.slice(-1));
  const t1 = ts.length ? ts[ts.length - 1] : t0;
  const span = Math.max(1, t1 - t0);
  const x = (i: number) =>
    ts.length === 1 ? (PAD.left + W - PAD.right) / 2 : PAD.left + ((ts[i] - t0) / span) * (W - PAD.left - PAD.right);
  const y = (v: number) => PAD.top + (1 - v / Math.max(1, max)) * (H - PAD.top - PAD.bottom);
  return (
    <figure style={{ margin: 0 }} data-testid={`posture-linechart-${id}`}>
      <Typography component="figcaption" variant="subtitle2">
        {title}
      </Typography>
      <svg width="100%" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={summary}>
        <title>{summary}</title>
        {ticks.map(t => (
          <g key={t}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(t)} y2={y(t)} stroke="#e0e0e0" strokeDasharray="2 3" />
            <text x={PAD.left - 4} y={y(t) + 4} fontSize={10} textAnchor="end" fill="currentColor">
              {t}
            </text>
          </g>
        ))}
        {times.length > 0 && (
          <>
            <text x={PAD.left} y={H - 6} fontSize={10} fill="currentColor">
              {formatDate(times[0])}
            </text>
            <text x={W - PAD.right} y={H - 6} fontSize={10} textAnchor="end" fill="currentColor">
              {formatDate(times[times.length - 1])}
            </text>
          </>
        )}
        {series.map(s => {
          const pts = s.values
            .map((v, i) => (v === null ? null : `${x(i).toFixed(1)},${y(v).toFixed(1)}`))
            .filter((p): p is string => p !== null);
          return (
            <g key={s.id} data-testid={`posture-series-${s.id}`} data-points={pts.length}>
              <polyline
                points={pts.join(' ')}
                fill="none"
                stroke={s.color}
                strokeWidth={2}
                strokeDasharray={s.dashed ? '5 3' : undefined}
              />
              {pts.map(p => {
                const [cx, cy] = p.split(',');
                return <circle key={p} cx={cx} cy={cy} r={2.5} fill={s.color} />;
              })}
            </g>
          );
        })}
      </svg>
      <Typography variant="caption" component="div" style={{ display: 'flex', gap: 12 }}>
        {series.map(s => (
          <span key={s.id}>
            <span style={{ color: s.color, fontWeight: 700 }}>{s.dashed ? '- -' : '—'}</span> {s.label}
          </span>
        ))}
      </Typography>
    </figure>
  );
}
