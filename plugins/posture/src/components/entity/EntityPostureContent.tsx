import { useMemo } from 'react';
import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { CheckMetadata, EntityScorecard } from '@posture-dev/backstage-plugin-posture-common';
import { postureApiRef } from '../../api';
import { failingPillars } from '../../lib/checks';
import { fixFirstOrder } from '../../lib/fixFirst';
import { serviceTraits } from '../../lib/goldenPathFit';
import { isNotFound } from '../../lib/errors';
import { RequestError } from '../common/RequestError';
import { SourceLocationContext } from './CheckRow';
import { ChecksSection } from './ChecksSection';
import { CollectNowButton } from './CollectNowButton';
import { FixFirstCard } from './FixFirstCard';
import { ClusterStatusCard } from './ClusterStatusCard';
import { NoAnnotations, NoWorkloads, NotCollectedYet } from './EmptyStates';
import { GoldenPathSuggestions } from './GoldenPathSuggestions';
import { HistoryCard } from './HistoryCard';
import { ResourceUsageCard } from './ResourceUsageCard';
import { EntityCampaignsCard } from '../campaigns/EntityCampaignsCard';
import { SummaryCard } from './SummaryCard';

type EntityRefParts = { kind: string; namespace: string; name: string };

function ScorecardView(props: { scorecard: EntityScorecard; entityRef: EntityRefParts; onCollected: () => void }) {
  const { scorecard, entityRef, onCollected } = props;
  const { entity } = useEntity();
  const api = useApi(postureApiRef);
  // the catalog carries titles, remediation and references; results carry only ids
  const checks = useAsyncRetry(() => api.listChecks(), [api]);
  const metaById = useMemo(
    () => new Map<string, CheckMetadata>((checks.value ?? []).map(c => [c.id, c])),
    [checks.value],
  );
  const failing = failingPillars(scorecard.results);
  const fixFirst = useMemo(() => fixFirstOrder(scorecard.results, metaById), [scorecard.results, metaById]);
  const traits = useMemo(() => serviceTraits(entity, scorecard.results), [entity, scorecard.results]);
  const sourceLocation = entity.metadata.annotations?.['backstage.io/source-location'];
  return (
    <SourceLocationContext.Provider value={sourceLocation}>
    <Grid container spacing={3} alignItems="stretch">
      <Grid item xs={12} md={7}>
        <SummaryCard scorecard={scorecard} />
      </Grid>
      <Grid item xs={12} md={5}>
        <ClusterStatusCard clusters={scorecard.clusters} />
        <CollectNowButton entityRef={entityRef} current={scorecard} onCollected={onCollected} />
      </Grid>
      <EntityCampaignsCard gridItem />
      {/* the fix list opens the page: what to do comes before how it is computed */}
      {!checks.loading && (
        <Grid item xs={12}>
          <FixFirstCard groups={fixFirst} />
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
      {scorecard.clusters.some(c => c.resources?.length) && (
        <Grid item xs={12}>
          <ResourceUsageCard clusters={scorecard.clusters} />
        </Grid>
      )}
      <Grid item xs={12}>
        <HistoryCard entityRef={entityRef} />
      </Grid>
      {failing.length > 0 && (
        <Grid item xs={12}>
          <GoldenPathSuggestions failing={failing} current={scorecard.combined?.scores ?? {}} traits={traits} />
        </Grid>
      )}
    </Grid>
    </SourceLocationContext.Provider>
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

  // a reload after "collect now" keeps the page (and the button's result) in place
  if (loading && !value) return <Progress />;
  if (error) {
    if (isNotFound(error)) return <NotCollectedYet />;
    return <RequestError error={error} retry={retry} what="this entity's posture" />;
  }
  if (!value) return null;
  if (value.state === 'no-annotations') return <NoAnnotations name={name} />;
  if (value.state === 'no-workloads') return <NoWorkloads match={value.match} />;
  return <ScorecardView scorecard={value} entityRef={entityRef} onCollected={retry} />;
}
