import { InfoCard, StatusError, StatusOK, StatusWarning } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { ClusterScorecard } from '@posture-dev/backstage-plugin-posture-common';
import { formatAge, formatDateTime, formatDuration } from '../../lib/format';

function bannerTitle(c: ClusterScorecard, now: number): string {
  const t = Date.parse(c.collectedAt);
  if (!c.collectedAt || Number.isNaN(t)) return `No data has been collected from cluster ${c.cluster} yet`;
  return `Data from cluster ${c.cluster} is ${formatDuration(Math.max(0, now - t))} old`;
}

function ClusterIcon(props: { cluster: ClusterScorecard }) {
  if (props.cluster.error) return <StatusError />;
  if (props.cluster.stale) return <StatusWarning />;
  return <StatusOK />;
}

/**
 * Per-cluster freshness. Stale or failed collections get a banner with the
 * data's age, because the scores shown are only as current as the last success.
 */
export function ClusterStatusCard(props: { clusters: ClusterScorecard[]; now?: number }) {
  const { clusters, now = Date.now() } = props;
  const troubled = clusters.filter(c => c.stale || c.error);
  return (
    <InfoCard title="Clusters">
      {troubled.map(c => (
        <Box key={`banner-${c.cluster}`} mb={1}>
          <Alert severity={c.error ? 'error' : 'warning'} data-testid="posture-stale-banner" data-cluster={c.cluster}>
            <AlertTitle>{bannerTitle(c, now)}</AlertTitle>
            {c.error
              ? `The latest collection failed: ${c.error}. `
              : 'No collection has succeeded for more than two collection intervals. '}
            {`These results were collected at ${formatDateTime(c.collectedAt)} and may not match what runs now.`}
          </Alert>
        </Box>
      ))}
      {clusters.map(c => (
        <Box
          key={c.cluster}
          display="flex"
          alignItems="center"
          flexWrap="wrap"
          style={{ gap: 8 }}
          mb={1}
          data-testid="posture-cluster-status"
          data-cluster={c.cluster}
          data-stale={c.stale ? 'true' : 'false'}
        >
          <ClusterIcon cluster={c} />
          <Typography variant="body2" style={{ fontWeight: 500 }}>
            {c.cluster}
          </Typography>
          <Typography variant="body2" color="textSecondary">
            {`collected ${formatDateTime(c.collectedAt)} (${formatAge(c.collectedAt, now)}) · ${c.workloads.length} workload${
              c.workloads.length === 1 ? '' : 's'
            }`}
          </Typography>
        </Box>
      ))}
    </InfoCard>
  );
}
