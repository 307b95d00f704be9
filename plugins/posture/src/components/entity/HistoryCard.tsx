import { InfoCard, Progress } from '@backstage/core-components';
import { configApiRef, useApi } from '@backstage/core-plugin-api';
import Typography from '@material-ui/core/Typography';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { postureApiRef } from '../../api';
import { formatDateTime } from '../../lib/format';
import { describeInterval } from '../../lib/interval';
import { HistoryChart } from '../charts/HistoryChart';
import { RequestError } from '../common/RequestError';

/**
 * What a lone history point means. The backend stores a point only when a collection finds a
 * changed score, so the line appears with the first change, not simply with the next collection.
 * The interval is named only when the app's config exposes it (posture.schedule.frequency).
 */
export function singlePointMessage(at: string, interval: string | undefined): string {
  const when = interval ? `Collections run every ${interval}; a` : 'A';
  return `One collection so far (${formatDateTime(at)}). ${when} new point is stored when a collection finds a changed score, and the trend line appears with it.`;
}

export function HistoryCard(props: { entityRef: { kind: string; namespace: string; name: string } }) {
  const { kind, namespace, name } = props.entityRef;
  const api = useApi(postureApiRef);
  const config = useApi(configApiRef);
  const interval = describeInterval(config.getOptional('posture.schedule.frequency'));
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.getEntityHistory({ kind, namespace, name }),
    [api, kind, namespace, name],
  );
  return (
    <InfoCard title="Score history" subheader="Red points: a score fell. Dashed markers: the grade or level dropped.">
      {loading && <Progress />}
      {error && <RequestError error={error} retry={retry} what="the score history" />}
      {value && value.length === 0 && (
        <Typography variant="body2">No history yet: it starts with the first collection.</Typography>
      )}
      {value && value.length > 0 && <HistoryChart points={value} />}
      {value && value.length === 1 && (
        <Typography variant="body2" color="textSecondary" data-testid="posture-history-single">
          {singlePointMessage(value[0].at, interval)}
        </Typography>
      )}
    </InfoCard>
  );
}
