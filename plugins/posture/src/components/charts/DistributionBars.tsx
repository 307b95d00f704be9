import Typography from '@material-ui/core/Typography';

export interface DistributionBarsProps {
  title: string;
  /** test id suffix: posture-distribution-<id> */
  id: string;
  /** bucket order, e.g. ['A','B','C','D','F','none'] */
  order: readonly string[];
  counts: Partial<Record<string, number>>;
  colors?: Partial<Record<string, string>>;
  labels?: Partial<Record<string, string>>;
}

const ROW = 22;
const LABEL_W = 70;
const BAR_W = 200;

/** Horizontal bars, one per bucket; the counts are printed so no reading of lengths is needed. */
export function DistributionBars(props: DistributionBarsProps) {
  const { title, id, order, counts, colors = {}, labels = {} } = props;
  // bounded-spread: `order` is the fixed list of buckets (grades or levels)
  const max = Math.max(1, ...order.map(k => counts[k] ?? 0));
  const summary = `${title}: ${order.map(k => `${labels[k] ?? k} ${counts[k] ?? 0}`).join(', ')}`;
  return (
    <figure style={{ margin: 0 }} data-testid={`posture-distribution-${id}`}>
      <Typography component="figcaption" variant="subtitle2">
        {title}
      </Typography>
      <svg
        width="100%"
        viewBox={`0 0 ${LABEL_W + BAR_W + 50} ${order.length * ROW}`}
        style={{ maxWidth: 360 }}
        role="img"
        aria-label={summary}
      >
        <title>{summary}</title>
        {order.map((key, i) => {
          const n = counts[key] ?? 0;
          const w = (n / max) * BAR_W;
          const y = i * ROW;
          return (
            <g key={key} data-bucket={key} data-count={n}>
              <text x={0} y={y + 15} fontSize={12} fill="currentColor">
                {labels[key] ?? key}
              </text>
              <rect x={LABEL_W} y={y + 4} width={Math.max(w, n > 0 ? 2 : 0)} height={ROW - 8} fill={colors[key] ?? '#1976d2'} rx={2} />
              <text x={LABEL_W + w + 6} y={y + 15} fontSize={12} fill="currentColor">
                {n}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
