import { useMemo } from 'react';
import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { CheckMetadata, EntityScorecard } from '@posture-dev/backstage-plugin-posture-common';
import { postureApiRef } from '../../api';
import { failingPillars } from '../../lib/checks';
import { isNotFound } from '../../lib/errors';
import { RequestError } from '../common/RequestError';
import { ChecksSection } from './ChecksSection';
import { ClusterStatusCard } from './ClusterStatusCard';
import { NoAnnotations, NoWorkloads, NotCollectedYet } from './EmptyStates';
import { GoldenPathSuggestions } from './GoldenPathSuggestions';
import { HistoryCard } from './HistoryCard';
import { EntityCampaignsCard } from '../campaigns/EntityCampaignsCard';
import { SummaryCard } from './SummaryCard';

type EntityRefParts = { kind: string; namespace: string; name: string };

function ScorecardView(props: { scorecard: EntityScorecard; entityRef: EntityRefParts }) {
  const { scorecard, entityRef } = props;
  const api = useApi(postureApiRef);
  // the catalog carries titles, remediation and references; results carry only ids
  const checks = useAsyncRetry(() => api.listChecks(), [api]);
  const metaById = useMemo(
    () => new Map<string, CheckMetadata>((checks.value ?? []).map(c => [c.id, c])),
    [checks.value],
  );
  const failing = failingPillars(scorecard.results);
  return (
    <Grid container spacing={3} alignItems="stretch">
      <Grid item xs={12} md={7}>
        <SummaryCard scorecard={scorecard} />
      </Grid>
      <Grid item xs={12} md={5}>
        <ClusterStatusCard clusters={scorecard.clusters} />
      </Grid>
      <EntityCampaignsCard gridItem />
      {failing.length > 0 && (
        <Grid item xs={12}>
          <GoldenPathSuggestions failing={failing} current={scorecard.combined?.scores ?? {}} />
        </Grid>
      )}
      <Grid item xs={12}>
        {checks.loading ? (
          <Progress />
        ) : (
          <ChecksSection
            results={scorecard.results}
            metaById={metaById}
            clusters={scorecard.clusters.map(c => c.cluster)}
            metaError={checks.error}
          />
        )}
      </Grid>
      <Grid item xs={12}>
        <HistoryCard entityRef={entityRef} />
      </Grid>
    </Grid>
  );
}

/** The entity page's Posture tab. */
export function EntityPostureContent() {
  const { entity } = useEntity();
  const api = useApi(postureApiRef);
  const kind = entity.kind;
  const namespace = entity.metadata.namespace ?? 'default';
  const name = entity.metadata.name;
  const entityRef = useMemo(() => ({ kind, namespace, name }), [kind, namespace, name]);
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.getEntityScorecard(entityRef),
    [api, entityRef],
  );

  if (loading) return <Progress />;
  if (error) {
    if (isNotFound(error)) return <NotCollectedYet />;
    return <RequestError error={error} retry={retry} what="this entity's posture" />;
  }
  if (!value) return null;
  if (value.state === 'no-annotations') return <NoAnnotations name={name} />;
  if (value.state === 'no-workloads') return <NoWorkloads match={value.match} />;
  return <ScorecardView scorecard={value} entityRef={entityRef} />;
}
