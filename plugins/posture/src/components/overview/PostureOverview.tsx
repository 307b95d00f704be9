import { useCallback, useMemo, useRef } from 'react';
import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import { useNavigate } from 'react-router-dom';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { Distribution, OverviewSortField } from '@posture-dev/backstage-plugin-posture-common';
import { postureApiRef } from '../../api';
import { LEVEL_COLORS, PSS_COLORS, gradeColor } from '../../lib/format';
import { usePostureTabLink } from '../../lib/links';
import { toFilterQuery, toOverviewQuery } from '../../lib/overviewQuery';
import { DistributionBars } from '../charts/DistributionBars';
import { QuadrantChart, QuadrantPoint } from '../charts/QuadrantChart';
import { RequestError } from '../common/RequestError';
import { ExportCsvButton } from './ExportCsvButton';
import { TeamRightSizingCard } from './TeamRightSizingCard';
import { GoldenPathsSection } from './GoldenPathsSection';
import { NoClustersBanner } from './NoClustersBanner';
import { OverviewFilters } from './OverviewFilters';
import { OverviewTable } from './OverviewTable';
import { useFilterOptions } from './useFilterOptions';
import { useOverviewUrlState } from './useOverviewUrlState';
import { QUADRANTS, QuadrantId } from '../../lib/quadrant';

const GRADE_ORDER = ['A', 'B', 'C', 'D', 'F', 'none'] as const;
const LEVEL_ORDER = ['Gold', 'Silver', 'Bronze', 'None', 'none'] as const;
const PSS_ORDER = ['restricted', 'baseline', 'privileged', 'none'] as const;
const NONE_LABEL = { none: 'not scored' };
// the level "None" is a result (a critical check fails), not missing data
const LEVEL_LABELS = { None: 'No level', none: 'not scored' };

function Distributions(props: { distribution: Distribution }) {
  const { grades, levels, pssLevels } = props.distribution;
  const gradeColors = Object.fromEntries(GRADE_ORDER.map(g => [g, g === 'none' ? '#bdbdbd' : gradeColor(g)]));
  return (
    <Grid container spacing={2}>
      {(['scalability', 'security', 'overall'] as const).map(p => (
        <Grid item xs={12} sm={6} md={4} lg={6} key={p}>
          <DistributionBars
            id={`grades-${p}`}
            title={`${p[0].toUpperCase()}${p.slice(1)} grades`}
            order={GRADE_ORDER}
            counts={grades[p]}
            colors={gradeColors}
            labels={NONE_LABEL}
          />
        </Grid>
      ))}
      <Grid item xs={12} sm={6} md={4} lg={6}>
        <DistributionBars
          id="levels"
          title="Levels"
          order={LEVEL_ORDER}
          counts={levels}
          colors={{ ...LEVEL_COLORS, none: '#bdbdbd' }}
          labels={LEVEL_LABELS}
        />
      </Grid>
      <Grid item xs={12} sm={6} md={4} lg={6}>
        <DistributionBars
          id="pss"
          title="Pod Security levels"
          order={PSS_ORDER}
          counts={pssLevels}
          colors={{ ...PSS_COLORS, none: '#bdbdbd' }}
          labels={NONE_LABEL}
        />
      </Grid>
    </Grid>
  );
}

/** The /posture overview: every service, filtered, sorted and paged by the server, all state in the URL. */
export function PostureOverview() {
  const api = useApi(postureApiRef);
  const navigate = useNavigate();
  const tabLink = usePostureTabLink();
  const { state, update, setFilter, setText } = useOverviewUrlState();
  const options = useFilterOptions();
  const query = useMemo(() => toOverviewQuery(state), [state]);
  const queryKey = JSON.stringify(query);
  // keyed on the serialised query: a new but equal state object must not refetch
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const { value, loading, error, retry } = useAsyncRetry(() => api.getOverview(query), [api, queryKey]);

  const onSort = useCallback(
    (field: OverviewSortField) =>
      update(s => ({
        ...s,
        sort: field,
        // a second click on the same column flips the order
        order: s.sort === field && (s.order ?? 'asc') === 'asc' ? 'desc' : 'asc',
        page: 0,
      })),
    [update],
  );
  const onSelectPoint = useCallback((p: QuadrantPoint) => navigate(tabLink(p.entityRef)), [navigate, tabLink]);
  const servicesRef = useRef<HTMLDivElement>(null);
  const onQuadrant = useCallback(
    (quadrant: QuadrantId | undefined) => update(s => ({ ...s, quadrant, page: 0 })),
    [update],
  );

  return (
    <Grid container spacing={3}>
      <NoClustersBanner />
      {value && !error && (
        <>
          <Grid item xs={12} lg={7}>
            <InfoCard
              title="Balance"
              subheader="Scalability against security for every matching service. Pick a quadrant to list its services in the table below; pick a marker to open a service."
            >
              {value.points.length === 0 ? (
                <Typography variant="body2">No scored services match these filters.</Typography>
              ) : (
                <QuadrantChart
                  points={value.points}
                  onSelect={onSelectPoint}
                  selected={state.quadrant}
                  onSelectQuadrant={onQuadrant}
                />
              )}
              {/* the table is below the fold: say here what a pick did, and announce it */}
              <Box display="flex" flexWrap="wrap" alignItems="center" style={{ gap: 8 }} minHeight={30}>
                <Typography variant="body2" role="status" data-testid="posture-quadrant-status">
                  {state.quadrant && loading && `Finding the services in ${QUADRANTS[state.quadrant].label}…`}
                  {state.quadrant &&
                    !loading &&
                    `The table below lists the ${value.total} service${value.total === 1 ? '' : 's'} in ${
                      QUADRANTS[state.quadrant].label
                    }.`}
                </Typography>
                {state.quadrant && (
                  <>
                    <Button
                      size="small"
                      color="primary"
                      onClick={() => servicesRef.current?.scrollIntoView?.({ behavior: 'smooth', block: 'start' })}
                    >
                      Go to the table
                    </Button>
                    <Button size="small" onClick={() => onQuadrant(undefined)}>
                      Show all
                    </Button>
                  </>
                )}
              </Box>
            </InfoCard>
          </Grid>
          <Grid item xs={12} lg={5}>
            <InfoCard title="Distribution" subheader="Services per grade and level, over all matching services">
              <Distributions distribution={value.distribution} />
            </InfoCard>
          </Grid>
        </>
      )}
      <Grid item xs={12} ref={servicesRef}>
        <InfoCard
          title="Services"
          subheader={value ? `${value.total} service${value.total === 1 ? '' : 's'} match` : undefined}
          action={<ExportCsvButton query={toFilterQuery(state)} />}
        >
          <OverviewFilters
            state={state}
            options={options}
            onFilter={setFilter}
            onText={setText}
            onClear={() =>
              update(s => ({
                ...s,
                filters: { owner: [], system: [], kind: [], lifecycle: [], cluster: [], grade: [], level: [] },
                quadrant: undefined,
                q: '',
                page: 0,
              }))
            }
            onQuadrant={onQuadrant}
          />
          {loading && value && <LinearProgress aria-label="Updating" />}
          {loading && !value && <Progress />}
          {error && <RequestError error={error} retry={retry} what="the posture overview" />}
          {value && !error && (
            <OverviewTable
              rows={value.rows}
              total={value.total}
              page={state.page}
              pageSize={state.pageSize}
              sort={state.sort}
              order={state.order}
              onSort={onSort}
              onPage={page => update(s => ({ ...s, page }))}
              onPageSize={pageSize => update(s => ({ ...s, pageSize, page: 0 }))}
            />
          )}
        </InfoCard>
      </Grid>
      <TeamRightSizingCard query={toFilterQuery(state)} gridItem />
      <Grid item xs={12}>
        <Box>
          <GoldenPathsSection />
        </Box>
      </Grid>
    </Grid>
  );
}
