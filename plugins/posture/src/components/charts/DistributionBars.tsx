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

/**
 * Horizontal bars, one per bucket; the counts are printed so no reading of lengths is needed.
 *
 * Laid out in HTML, not a scaled SVG: an SVG's text shrinks with its container, so in a narrow
 * grid column its labels became too small to read. Here the label column is as wide as its
 * longest label, text keeps the body size, and only the bars take what width is left.
 */
export function DistributionBars(props: DistributionBarsProps) {
  const { title, id, order, counts, colors = {}, labels = {} } = props;
  // bounded-spread: `order` is the fixed list of buckets (grades or levels)
  const max = Math.max(1, ...order.map(k => counts[k] ?? 0));
  const summary = `${title}: ${order.map(k => `${labels[k] ?? k} ${counts[k] ?? 0}`).join(', ')}`;
  return (
    <figure style={{ margin: 0, minWidth: 0 }} data-testid={`posture-distribution-${id}`}>
      <Typography component="figcaption" variant="subtitle2" gutterBottom>
        {title}
      </Typography>
      <div
        role="img"
        aria-label={summary}
        title={summary}
        style={{
          display: 'grid',
          gridTemplateColumns: 'max-content minmax(40px, 1fr) max-content',
          alignItems: 'center',
          columnGap: 8,
          rowGap: 4,
        }}
      >
        {order.map(key => {
          const n = counts[key] ?? 0;
          return (
            <div key={key} data-bucket={key} data-count={n} style={{ display: 'contents' }}>
              <Typography variant="body2" component="span" style={{ whiteSpace: 'nowrap' }} data-testid="posture-distribution-label">
                {labels[key] ?? key}
              </Typography>
              <span style={{ display: 'block', height: 12 }}>
                <span
                  style={{
                    display: 'block',
                    height: '100%',
                    width: `${(n / max) * 100}%`,
                    minWidth: n > 0 ? 2 : 0,
                    backgroundColor: colors[key] ?? '#1976d2',
                    borderRadius: 2,
                  }}
                />
              </span>
              <Typography variant="body2" component="span" style={{ fontVariantNumeric: 'tabular-nums', textAlign: 'right' }}>
                {n}
              </Typography>
            </div>
          );
        })}
      </div>
    </figure>
  );
}
