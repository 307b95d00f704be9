import { MouseEvent, memo, useCallback, useMemo, useState } from 'react';
import Paper from '@material-ui/core/Paper';
import Typography from '@material-ui/core/Typography';
import { OverviewResponse } from '@posture-dev/backstage-plugin-posture-common';
import { formatScore, gradeColor } from '../../lib/format';
import {
  DEFAULT_QUADRANT_THRESHOLD,
  QUADRANTS,
  QuadrantId,
  countByQuadrant,
} from '../../lib/quadrant';

export type QuadrantPoint = OverviewResponse['points'][number];

const W = 600;
const H = 420;
const PAD = { left: 48, right: 16, top: 16, bottom: 44 };
const PW = W - PAD.left - PAD.right;
const PH = H - PAD.top - PAD.bottom;

const xOf = (score: number) => PAD.left + (Math.max(0, Math.min(100, score)) / 100) * PW;
const yOf = (score: number) => PAD.top + (1 - Math.max(0, Math.min(100, score)) / 100) * PH;

/**
 * Thousands of circles re-rendering on every hover would make the chart lag,
 * so the points are memoised on their data alone; hover state lives outside.
 */
const PointsLayer = memo(function Points(props: { points: QuadrantPoint[] }) {
  return (
    <g>
      {props.points.map((p, i) => (
        <circle
          key={p.entityRef}
          cx={xOf(p.scalability)}
          cy={yOf(p.security)}
          r={4}
          fill={gradeColor(p.grade)}
          fillOpacity={0.75}
          stroke="#fff"
          strokeWidth={0.5}
          data-testid="quadrant-point"
          data-entity-ref={p.entityRef}
          data-index={i}
          style={{ cursor: 'pointer' }}
        />
      ))}
    </g>
  );
});

function pointIndexOf(target: EventTarget | null): number | undefined {
  const el = target as Element | null;
  const raw = el?.getAttribute?.('data-index');
  if (raw === null || raw === undefined) return undefined;
  const i = Number(raw);
  return Number.isInteger(i) ? i : undefined;
}

export interface QuadrantChartProps {
  points: QuadrantPoint[];
  onSelect: (point: QuadrantPoint) => void;
  threshold?: number;
}

/** Scalability (x) against security (y), one point per service; a single delegated handler serves every point. */
export function QuadrantChart(props: QuadrantChartProps) {
  const { points, onSelect, threshold = DEFAULT_QUADRANT_THRESHOLD } = props;
  const [hover, setHover] = useState<number | undefined>(undefined);
  const counts = useMemo(() => countByQuadrant(points, threshold), [points, threshold]);

  const onMove = useCallback((e: MouseEvent<SVGSVGElement>) => {
    const i = pointIndexOf(e.target);
    setHover(prev => (prev === i ? prev : i));
  }, []);
  const onLeave = useCallback(() => setHover(undefined), []);
  const onClick = useCallback(
    (e: MouseEvent<SVGSVGElement>) => {
      const i = pointIndexOf(e.target);
      if (i !== undefined && points[i]) onSelect(points[i]);
    },
    [points, onSelect],
  );

  const tx = xOf(threshold);
  const ty = yOf(threshold);
  const summary = `Balance quadrant of ${points.length} services, scalability across, security up: ${(
    Object.keys(QUADRANTS) as QuadrantId[]
  )
    .map(q => `${QUADRANTS[q].label} ${counts[q]}`)
    .join(', ')}`;
  const hovered = hover !== undefined ? points[hover] : undefined;

  const labels: { id: QuadrantId; x: number; y: number; anchor: 'start' | 'end' }[] = [
    { id: 'secure-fragile', x: PAD.left + 6, y: PAD.top + 14, anchor: 'start' },
    { id: 'balanced', x: W - PAD.right - 6, y: PAD.top + 14, anchor: 'end' },
    { id: 'at-risk', x: PAD.left + 6, y: H - PAD.bottom - 8, anchor: 'start' },
    { id: 'scalable-exposed', x: W - PAD.right - 6, y: H - PAD.bottom - 8, anchor: 'end' },
  ];

  return (
    <div style={{ position: 'relative', width: '100%', maxWidth: W }}>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        width="100%"
        role="img"
        aria-label={summary}
        data-testid="posture-quadrant"
        onMouseMove={onMove}
        onMouseLeave={onLeave}
        onClick={onClick}
      >
        <title>{summary}</title>
        <rect x={PAD.left} y={PAD.top} width={tx - PAD.left} height={ty - PAD.top} fill="#fff8e1" />
        <rect x={tx} y={PAD.top} width={W - PAD.right - tx} height={ty - PAD.top} fill="#e8f5e9" />
        <rect x={PAD.left} y={ty} width={tx - PAD.left} height={H - PAD.bottom - ty} fill="#ffebee" />
        <rect x={tx} y={ty} width={W - PAD.right - tx} height={H - PAD.bottom - ty} fill="#fff3e0" />
        {labels.map(l => (
          <text
            key={l.id}
            x={l.x}
            y={l.y}
            textAnchor={l.anchor}
            fontSize={12}
            fontWeight={600}
            fill="#424242"
            data-testid={`quadrant-label-${l.id}`}
          >
            {`${QUADRANTS[l.id].label} (${counts[l.id]})`}
          </text>
        ))}
        <line x1={PAD.left} x2={W - PAD.right} y1={H - PAD.bottom} y2={H - PAD.bottom} stroke="#9e9e9e" />
        <line x1={PAD.left} x2={PAD.left} y1={PAD.top} y2={H - PAD.bottom} stroke="#9e9e9e" />
        {[0, 25, 50, 75, 100].map(t => (
          <g key={t} fontSize={10} fill="currentColor">
            <text x={xOf(t)} y={H - PAD.bottom + 14} textAnchor="middle">
              {t}
            </text>
            <text x={PAD.left - 6} y={yOf(t) + 3} textAnchor="end">
              {t}
            </text>
          </g>
        ))}
        <text x={PAD.left + PW / 2} y={H - 8} textAnchor="middle" fontSize={12} fill="currentColor">
          Scalability
        </text>
        <text
          x={14}
          y={PAD.top + PH / 2}
          textAnchor="middle"
          fontSize={12}
          fill="currentColor"
          transform={`rotate(-90 14 ${PAD.top + PH / 2})`}
        >
          Security
        </text>
        <PointsLayer points={points} />
        {hovered && (
          <circle
            cx={xOf(hovered.scalability)}
            cy={yOf(hovered.security)}
            r={7}
            fill="none"
            stroke="#212121"
            strokeWidth={2}
            pointerEvents="none"
          />
        )}
      </svg>
      {hovered && (
        <Paper
          role="tooltip"
          data-testid="quadrant-tooltip"
          elevation={3}
          style={{
            position: 'absolute',
            left: `${(xOf(hovered.scalability) / W) * 100}%`,
            top: `${(yOf(hovered.security) / H) * 100}%`,
            transform: `translate(${hovered.scalability > 60 ? 'calc(-100% - 10px)' : '10px'}, -50%)`,
            padding: '4px 8px',
            pointerEvents: 'none',
            whiteSpace: 'nowrap',
            zIndex: 1,
          }}
        >
          <Typography variant="body2" style={{ fontWeight: 600 }}>
            {hovered.name}
          </Typography>
          <Typography variant="caption" component="div">
            {hovered.entityRef}
          </Typography>
          <Typography variant="caption" component="div">
            {`Scalability ${formatScore(hovered.scalability)} · Security ${formatScore(hovered.security)} · Grade ${
              hovered.grade ?? '–'
            }`}
          </Typography>
        </Paper>
      )}
    </div>
  );
}
