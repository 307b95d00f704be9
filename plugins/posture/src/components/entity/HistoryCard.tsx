import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { PILLARS } from '@posture-dev/backstage-plugin-posture-common';
import { postureApiRef } from '../../api';
import { HistoryChart } from '../charts/HistoryChart';
import { RequestError } from '../common/RequestError';

const COLORS = { scalability: '#1976d2', security: '#7b1fa2' } as const;

export function HistoryCard(props: { entityRef: { kind: string; namespace: string; name: string } }) {
  const { kind, namespace, name } = props.entityRef;
  const api = useApi(postureApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.getEntityHistory({ kind, namespace, name }),
    [api, kind, namespace, name],
  );
  return (
    <InfoCard title="Score history" subheader="Red points: the score fell. Dashed markers: the grade or level dropped.">
      {loading && <Progress />}
      {error && <RequestError error={error} retry={retry} what="the score history" />}
      {value && value.length === 0 && (
        <Typography variant="body2">No history yet: it starts with the first collection.</Typography>
      )}
      {value && value.length > 0 && (
        <Box display="flex" flexDirection="column" style={{ gap: 16 }}>
          {PILLARS.map(p => (
            <HistoryChart key={p} pillar={p} points={value} color={COLORS[p]} />
          ))}
        </Box>
      )}
    </InfoCard>
  );
}
