import { FocusEvent, KeyboardEvent, MouseEvent, memo, useCallback, useMemo, useRef, useState } from 'react';
import MenuItem from '@material-ui/core/MenuItem';
import MenuList from '@material-ui/core/MenuList';
import Paper from '@material-ui/core/Paper';
import Popover from '@material-ui/core/Popover';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { OverviewResponse } from '@posture-dev/backstage-plugin-posture-common';
import { formatScore, gradeColor } from '../../lib/format';
import {
  PointGroup,
  QUADRANTS,
  QUADRANT_IDS,
  QUADRANT_THRESHOLD,
  QuadrantId,
  countByQuadrant,
  groupPoints,
} from '../../lib/quadrant';

export type QuadrantPoint = OverviewResponse['points'][number];
type Group = PointGroup<QuadrantPoint>;

const W = 600;
const H = 420;
const PAD = { left: 48, right: 16, top: 16, bottom: 44 };
const PW = W - PAD.left - PAD.right;
const PH = H - PAD.top - PAD.bottom;
/** names listed in a group's tooltip before "and N more" */
const TOOLTIP_NAMES = 8;

const xOf = (score: number) => PAD.left + (Math.max(0, Math.min(100, score)) / 100) * PW;
const yOf = (score: number) => PAD.top + (1 - Math.max(0, Math.min(100, score)) / 100) * PH;
/** one service: a dot; more: a larger disc that grows slowly with the count and carries it */
const radiusOf = (count: number) => (count === 1 ? 4 : Math.min(14, 7 + 1.5 * Math.log2(count)));

const useStyles = makeStyles(theme => ({
  region: {
    cursor: 'pointer',
    outline: 'none',
    '&:focus-visible': { stroke: theme.palette.primary.main, strokeWidth: 3 },
  },
  marker: {
    cursor: 'pointer',
    outline: 'none',
    '&:focus-visible': { stroke: theme.palette.primary.main, strokeWidth: 3 },
  },
}));

const QUADRANT_CONDITION: Record<QuadrantId, string> = {
  balanced: `scalability and security ${QUADRANT_THRESHOLD} or more`,
  'secure-fragile': `security ${QUADRANT_THRESHOLD} or more, scalability below`,
  'scalable-exposed': `scalability ${QUADRANT_THRESHOLD} or more, security below`,
  'at-risk': `scalability and security below ${QUADRANT_THRESHOLD}`,
};

/** the tab order of the quadrants: as they read, top left to bottom right */
const READING_ORDER: QuadrantId[] = ['secure-fragile', 'balanced', 'at-risk', 'scalable-exposed'];

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

function groupLabel(g: Group): string {
  const at = `scalability ${formatScore(g.scalability)}, security ${formatScore(g.security)}`;
  if (g.points.length === 1) {
    const p = g.points[0];
    // what a press does, without naming keys: a button's keys are the reader's to announce (and a
    // label saying "Enter" would also match the sign-in page's button in tests that look for it)
    return `${p.name}: ${at}, grade ${p.grade ?? 'none'}. Opens its posture.`;
  }
  const names = g.points.slice(0, TOOLTIP_NAMES).map(p => p.name);
  const more = g.points.length - names.length;
  return `${g.points.length} services at ${at}: ${names.join(', ')}${more > 0 ? ` and ${more} more` : ''}. Lists them to pick one.`;
}

/**
 * Thousands of markers re-rendering on every hover would make the chart lag, so the markers are
 * memoised on their data, the selected quadrant and the keyboard's position; hover lives outside.
 * One marker is a tab stop at a time (roving tabindex): the arrow keys move between them, so a
 * fleet of thousands is not thousands of tab presses.
 */
const MarkersLayer = memo(function Markers(props: {
  groups: Group[];
  selected?: QuadrantId;
  active: number;
  className: string;
}) {
  const { groups, selected, active, className } = props;
  return (
    <g role="group" aria-label="Services on the chart; arrow keys move between them">
      {groups.map((g, i) => {
        const r = radiusOf(g.points.length);
        const dimmed = selected !== undefined && g.quadrant !== selected;
        return (
          <g key={g.key} opacity={dimmed ? 0.3 : 1}>
            <circle
              cx={xOf(g.scalability)}
              cy={yOf(g.security)}
              r={r}
              fill={gradeColor(g.grade)}
              fillOpacity={g.points.length === 1 ? 0.75 : 0.9}
              stroke="#fff"
              strokeWidth={g.points.length === 1 ? 0.5 : 1.5}
              className={className}
              tabIndex={i === active ? 0 : -1}
              role="button"
              aria-label={groupLabel(g)}
              aria-haspopup={g.points.length > 1 ? 'menu' : undefined}
              data-testid="quadrant-point"
              data-count={g.points.length}
              data-quadrant={g.quadrant}
              data-entity-refs={g.points.map(p => p.entityRef).join(' ')}
              // one service's marker carries its ref alone, as the chart's single points always did
              data-entity-ref={g.points.length === 1 ? g.points[0].entityRef : undefined}
              data-index={i}
            />
            {g.points.length > 1 && (
              <text
                x={xOf(g.scalability)}
                y={yOf(g.security) + 3.5}
                textAnchor="middle"
                fontSize={10}
                fontWeight={700}
                fill="#fff"
                pointerEvents="none"
                aria-hidden
              >
                {g.points.length > 99 ? '99+' : g.points.length}
              </text>
            )}
          </g>
        );
      })}
    </g>
  );
});

function indexOf(target: EventTarget | null): number | undefined {
  const el = target as Element | null;
  const raw = el?.getAttribute?.('data-index');
  if (raw === null || raw === undefined) return undefined;
  const i = Number(raw);
  return Number.isInteger(i) ? i : undefined;
}

export interface QuadrantChartProps {
  points: QuadrantPoint[];
  /** opens one service */
  onSelect: (point: QuadrantPoint) => void;
  /** the quadrant the table is filtered to */
  selected?: QuadrantId;
  /** picks a quadrant to filter the table to; undefined clears it. Without it the regions are not buttons. */
  onSelectQuadrant?: (quadrant: QuadrantId | undefined) => void;
}

/**
 * Scalability (x) against security (y), one marker per spot: services on the same spot share a
 * marker that shows their count. The four quadrants are buttons that filter the table, and every
 * marker can be reached with the keyboard; delegated handlers serve every marker.
 */
export function QuadrantChart(props: QuadrantChartProps) {
  const { points, onSelect, selected, onSelectQuadrant } = props;
  const classes = useStyles();
  const svgRef = useRef<SVGSVGElement>(null);
  const [hover, setHover] = useState<number | undefined>(undefined);
  const [active, setActive] = useState(0);
  const [menu, setMenu] = useState<{ group: Group; anchor: Element } | undefined>(undefined);
  const counts = useMemo(() => countByQuadrant(points), [points]);
  const groups = useMemo(() => groupPoints(points), [points]);
  const activeIndex = Math.min(active, Math.max(0, groups.length - 1));

  const open = useCallback(
    (i: number, anchor: Element) => {
      const g = groups[i];
      if (!g) return;
      if (g.points.length === 1) onSelect(g.points[0]);
      else setMenu({ group: g, anchor });
    },
    [groups, onSelect],
  );

  const onMove = useCallback((e: MouseEvent<SVGSVGElement>) => {
    const i = indexOf(e.target);
    setHover(prev => (prev === i ? prev : i));
  }, []);
  const onLeave = useCallback(() => setHover(undefined), []);
  const onClick = useCallback(
    (e: MouseEvent<SVGSVGElement>) => {
      const i = indexOf(e.target);
      if (i !== undefined) {
        setActive(i);
        open(i, e.target as Element);
      }
    },
    [open],
  );
  const onFocus = useCallback((e: FocusEvent<SVGSVGElement>) => {
    const i = indexOf(e.target);
    if (i !== undefined) {
      setActive(i);
      setHover(i);
    }
  }, []);
  const onBlur = useCallback(() => setHover(undefined), []);
  const onKeyDown = useCallback(
    (e: KeyboardEvent<SVGSVGElement>) => {
      const i = indexOf(e.target);
      if (i === undefined) return;
      let next: number | undefined;
      if (e.key === 'ArrowRight' || e.key === 'ArrowDown') next = Math.min(groups.length - 1, i + 1);
      else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') next = Math.max(0, i - 1);
      else if (e.key === 'Home') next = 0;
      else if (e.key === 'End') next = groups.length - 1;
      else if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        open(i, e.target as Element);
        return;
      }
      if (next === undefined) return;
      e.preventDefault();
      setActive(next);
      svgRef.current?.querySelector<SVGElement>(`[data-index="${next}"]`)?.focus();
    },
    [groups.length, open],
  );

  const toggleQuadrant = (q: QuadrantId) => onSelectQuadrant?.(selected === q ? undefined : q);

  const tx = xOf(QUADRANT_THRESHOLD);
  const ty = yOf(QUADRANT_THRESHOLD);
  const summary = `Balance quadrant of ${plural(points.length, 'service')}, scalability across, security up, split at ${QUADRANT_THRESHOLD}: ${QUADRANT_IDS.map(
    q => `${QUADRANTS[q].label} ${counts[q]}`,
  ).join(', ')}`;
  const hovered = hover !== undefined ? groups[hover] : undefined;

  const regions: Record<QuadrantId, { x: number; y: number; w: number; h: number; fill: string }> = {
    'secure-fragile': { x: PAD.left, y: PAD.top, w: tx - PAD.left, h: ty - PAD.top, fill: '#fff8e1' },
    balanced: { x: tx, y: PAD.top, w: W - PAD.right - tx, h: ty - PAD.top, fill: '#e8f5e9' },
    'at-risk': { x: PAD.left, y: ty, w: tx - PAD.left, h: H - PAD.bottom - ty, fill: '#ffebee' },
    'scalable-exposed': { x: tx, y: ty, w: W - PAD.right - tx, h: H - PAD.bottom - ty, fill: '#fff3e0' },
  };
  const labels: { id: QuadrantId; x: number; y: number; anchor: 'start' | 'end' }[] = [
    { id: 'secure-fragile', x: PAD.left + 6, y: PAD.top + 14, anchor: 'start' },
    { id: 'balanced', x: W - PAD.right - 6, y: PAD.top + 14, anchor: 'end' },
    { id: 'at-risk', x: PAD.left + 6, y: H - PAD.bottom - 8, anchor: 'start' },
    { id: 'scalable-exposed', x: W - PAD.right - 6, y: H - PAD.bottom - 8, anchor: 'end' },
  ];

  return (
    <div style={{ position: 'relative', width: '100%', maxWidth: W }}>
      <svg
        ref={svgRef}
        viewBox={`0 0 ${W} ${H}`}
        width="100%"
        role="group"
        aria-label={summary}
        aria-describedby="posture-quadrant-threshold"
        data-testid="posture-quadrant"
        onMouseMove={onMove}
        onMouseLeave={onLeave}
        onClick={onClick}
        onFocus={onFocus}
        onBlur={onBlur}
        onKeyDown={onKeyDown}
      >
        <title>{summary}</title>
        {READING_ORDER.map(id => {
          const r = regions[id];
          const pressed = selected === id;
          const interactive = onSelectQuadrant !== undefined;
          return (
            <rect
              key={id}
              x={r.x}
              y={r.y}
              width={r.w}
              height={r.h}
              fill={r.fill}
              fillOpacity={selected === undefined || pressed ? 1 : 0.35}
              stroke={pressed ? '#424242' : 'none'}
              strokeWidth={pressed ? 2 : 0}
              data-testid={`quadrant-region-${id}`}
              {...(interactive && {
                className: classes.region,
                tabIndex: 0,
                role: 'button',
                'aria-pressed': pressed,
                'aria-label': `${QUADRANTS[id].label}: ${plural(counts[id], 'service')}, ${QUADRANT_CONDITION[id]}. ${
                  pressed ? 'The table lists only these; press to show all.' : 'Press to list only these in the table.'
                }`,
                onClick: (e: MouseEvent) => {
                  // a click on the region itself; markers handle their own
                  e.stopPropagation();
                  toggleQuadrant(id);
                },
                onKeyDown: (e: KeyboardEvent) => {
                  if (e.key === 'Enter' || e.key === ' ') {
                    e.preventDefault();
                    e.stopPropagation();
                    toggleQuadrant(id);
                  }
                },
              })}
            />
          );
        })}
        {labels.map(l => (
          <text
            key={l.id}
            x={l.x}
            y={l.y}
            textAnchor={l.anchor}
            fontSize={12}
            fontWeight={selected === l.id ? 700 : 600}
            fill="#424242"
            pointerEvents="none"
            data-testid={`quadrant-label-${l.id}`}
          >
            {`${QUADRANTS[l.id].label} (${counts[l.id]})`}
          </text>
        ))}
        {/* the threshold, named where it is drawn: what splits the quadrants */}
        <g pointerEvents="none" data-testid="quadrant-threshold">
          <line x1={tx} x2={tx} y1={PAD.top} y2={H - PAD.bottom} stroke="#757575" strokeDasharray="4 3" />
          <line x1={PAD.left} x2={W - PAD.right} y1={ty} y2={ty} stroke="#757575" strokeDasharray="4 3" />
          <text x={tx + 4} y={PAD.top + 30} fontSize={10} fill="#616161">
            {`${QUADRANT_THRESHOLD} = C or better →`}
          </text>
          <text x={W - PAD.right - 4} y={ty - 4} fontSize={10} fill="#616161" textAnchor="end">
            {`↑ ${QUADRANT_THRESHOLD} = C or better`}
          </text>
        </g>
        <line x1={PAD.left} x2={W - PAD.right} y1={H - PAD.bottom} y2={H - PAD.bottom} stroke="#9e9e9e" />
        <line x1={PAD.left} x2={PAD.left} y1={PAD.top} y2={H - PAD.bottom} stroke="#9e9e9e" />
        {[0, 25, 50, QUADRANT_THRESHOLD, 100].map(t => (
          <g key={t} fontSize={10} fill="currentColor" fontWeight={t === QUADRANT_THRESHOLD ? 700 : 400}>
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
        <MarkersLayer groups={groups} selected={selected} active={activeIndex} className={classes.marker} />
        {hovered && (
          <circle
            cx={xOf(hovered.scalability)}
            cy={yOf(hovered.security)}
            r={radiusOf(hovered.points.length) + 3}
            fill="none"
            stroke="#212121"
            strokeWidth={2}
            pointerEvents="none"
          />
        )}
      </svg>
      <Typography
        variant="caption"
        color="textSecondary"
        component="p"
        id="posture-quadrant-threshold"
        data-testid="quadrant-threshold-explained"
      >
        {`The dashed lines split each axis at ${QUADRANT_THRESHOLD}, the lowest score that grades C: at or above it a pillar is good enough, below it (D or F) it needs work. `}
        {onSelectQuadrant
          ? 'Click a quadrant, or tab to it and press Enter, to list its services in the table; the same again shows all. '
          : ''}
        Services on the same spot share one marker with their count.
      </Typography>
      {hovered && !menu && (
        <Paper
          role="tooltip"
          data-testid="quadrant-tooltip"
          elevation={3}
          style={{
            position: 'absolute',
            left: `${(xOf(hovered.scalability) / W) * 100}%`,
            top: `${(yOf(hovered.security) / H) * 100}%`,
            transform: `translate(${hovered.scalability > 60 ? 'calc(-100% - 14px)' : '14px'}, -50%)`,
            padding: '4px 8px',
            pointerEvents: 'none',
            whiteSpace: 'nowrap',
            zIndex: 1,
          }}
        >
          {hovered.points.length === 1 ? (
            <>
              <Typography variant="body2" style={{ fontWeight: 600 }}>
                {hovered.points[0].name}
              </Typography>
              <Typography variant="caption" component="div">
                {hovered.points[0].entityRef}
              </Typography>
            </>
          ) : (
            <>
              <Typography variant="body2" style={{ fontWeight: 600 }}>
                {`${hovered.points.length} services here`}
              </Typography>
              {hovered.points.slice(0, TOOLTIP_NAMES).map(p => (
                <Typography variant="caption" component="div" key={p.entityRef}>
                  {`${p.name} · ${p.grade ?? '–'}`}
                </Typography>
              ))}
              {hovered.points.length > TOOLTIP_NAMES && (
                <Typography variant="caption" component="div" color="textSecondary">
                  {`and ${hovered.points.length - TOOLTIP_NAMES} more; click to list them`}
                </Typography>
              )}
            </>
          )}
          <Typography variant="caption" component="div">
            {`Scalability ${formatScore(hovered.scalability)} · Security ${formatScore(hovered.security)}${
              hovered.points.length === 1 ? ` · Grade ${hovered.points[0].grade ?? '–'}` : ''
            }`}
          </Typography>
        </Paper>
      )}
      <Popover
        open={menu !== undefined}
        anchorEl={menu?.anchor}
        onClose={() => setMenu(undefined)}
        anchorOrigin={{ vertical: 'bottom', horizontal: 'center' }}
        transformOrigin={{ vertical: 'top', horizontal: 'center' }}
      >
        {menu && (
          <MenuList
            autoFocusItem
            dense
            aria-label={`${menu.group.points.length} services at scalability ${formatScore(
              menu.group.scalability,
            )}, security ${formatScore(menu.group.security)}`}
            data-testid="quadrant-group-menu"
            style={{ maxHeight: 320, overflowY: 'auto' }}
          >
            {menu.group.points.map(p => (
              <MenuItem
                key={p.entityRef}
                onClick={() => {
                  setMenu(undefined);
                  onSelect(p);
                }}
              >
                {`${p.name} · ${p.grade ?? '–'} · ${formatScore(p.scalability)} / ${formatScore(p.security)}`}
              </MenuItem>
            ))}
          </MenuList>
        )}
      </Popover>
    </div>
  );
}
