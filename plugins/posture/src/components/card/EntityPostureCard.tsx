import { useMemo } from 'react';
import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { postureApiRef } from '../../api';
import { isForbidden, isNotFound } from '../../lib/errors';
import { formatScore, scoreColor } from '../../lib/format';
import { usePostureTabLink } from '../../lib/links';
import { RequestError } from '../common/RequestError';
import { PostureChips } from './PostureChips';

function Score(props: { label: string; score: number | null | undefined; id: string }) {
  return (
    <Box textAlign="center" data-testid={`posture-card-score-${props.id}`}>
      <Typography variant="h4" component="div" style={{ color: scoreColor(props.score), fontWeight: 700 }}>
        {formatScore(props.score)}
      </Typography>
      <Typography variant="caption">{props.label}</Typography>
    </Box>
  );
}

/**
 * Compact summary for the entity overview, linking to the Posture tab: a labelled verdict line
 * ("Grade F · no level · 5 critical") above the two pillar scores.
 */
export function EntityPostureCard() {
  const { entity } = useEntity();
  const api = useApi(postureApiRef);
  const tabLink = usePostureTabLink();
  const kind = entity.kind;
  const namespace = entity.metadata.namespace ?? 'default';
  const name = entity.metadata.name;
  const ref = useMemo(() => ({ kind, namespace, name }), [kind, namespace, name]);
  const { value, loading, error, retry } = useAsyncRetry(() => api.getEntityScorecard(ref), [api, ref]);
  const deepLink = { title: 'View posture', link: tabLink(stringifyEntityRef(entity)) };

  let body;
  if (loading) body = <Progress />;
  else if (error && isForbidden(error)) body = <Typography variant="body2">You do not have permission to view this entity's posture.</Typography>;
  else if (error && isNotFound(error)) body = <Typography variant="body2">Not collected yet.</Typography>;
  else if (error) body = <RequestError error={error} retry={retry} what="the posture" />;
  else if (value?.state === 'no-annotations')
    body = <Typography variant="body2">Add the backstage.io/kubernetes-id annotation to score this entity.</Typography>;
  else if (value?.state === 'no-workloads')
    body = <Typography variant="body2">No workloads matched this entity in the clusters searched.</Typography>;
  else if (value) {
    const c = value.combined;
    body = (
      <Box display="flex" flexDirection="column" style={{ gap: 16 }}>
        <PostureChips scorecard={c} />
        <Box display="flex" alignItems="center" justifyContent="space-around" flexWrap="wrap" style={{ gap: 16 }}>
          <Score label="Scalability" id="scalability" score={c?.scores.scalability} />
          <Score label="Security" id="security" score={c?.scores.security} />
        </Box>
      </Box>
    );
  }

  return (
    <InfoCard title="Posture" deepLink={deepLink}>
      <div data-testid="posture-card">{body}</div>
    </InfoCard>
  );
}
