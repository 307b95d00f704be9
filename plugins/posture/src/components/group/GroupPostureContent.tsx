import { InfoCard, Link, Progress, Table, TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Switch from '@material-ui/core/Switch';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { GroupRollup, OverviewRow, SEVERITIES, Severity, gradeFor } from '@posture-dev/backstage-plugin-posture-common';
import { postureApiRef } from '../../api';
import { LEVEL_COLORS, formatDateTime, formatScore, scoreColor } from '../../lib/format';
import { usePostureTabLink } from '../../lib/links';
import { DistributionBars } from '../charts/DistributionBars';
import { ScoreGauge } from '../charts/ScoreGauge';
import { GradeBadge, LevelBadge, PssBadge, SeverityChip } from '../common/Badges';
import { RequestError } from '../common/RequestError';
import { TrendCard } from '../trends/TrendCard';
import { ChildGroups, countsOf, scoredOf } from './GroupCoverage';

type WorstCheck = GroupRollup['worstChecks'][number];

const LEVEL_ORDER = ['Gold', 'Silver', 'Bronze', 'None', 'none'] as const;
const isSeverity = (s: string): s is Severity => (SEVERITIES as readonly string[]).includes(s);

function shortName(ref: string) {
  return ref.replace(/^[^:]+:default\//, '').replace(/^[^:]+:/, '');
}

function EntitiesTable(props: { rows: OverviewRow[]; empty: string; showOwner: boolean }) {
  const tabLink = usePostureTabLink();
  const columns: TableColumn<OverviewRow>[] = [
    {
      title: 'Service',
      field: 'name',
      render: r => (
        <Link to={tabLink(r.entityRef)} data-testid="posture-group-entity" data-entity-ref={r.entityRef}>
          {r.title ?? r.name}
        </Link>
      ),
    },
    ...(props.showOwner
      ? [{ title: 'Owner', field: 'owner', render: (r: OverviewRow) => (r.owner ? <EntityRefLink entityRef={r.owner} defaultKind="group" /> : '–') }]
      : []),
    {
      title: 'Scalability',
      field: 'scalability',
      type: 'numeric',
      render: r => <span style={{ color: scoreColor(r.scalability), fontWeight: 600 }}>{formatScore(r.scalability)}</span>,
    },
    {
      title: 'Security',
      field: 'security',
      type: 'numeric',
      render: r => <span style={{ color: scoreColor(r.security), fontWeight: 600 }}>{formatScore(r.security)}</span>,
    },
    { title: 'Grade', field: 'grade', render: r => <GradeBadge grade={r.grade} /> },
    { title: 'Level', field: 'level', render: r => (r.level ? <LevelBadge level={r.level} /> : '–') },
    { title: 'PSS', field: 'pssLevel', render: r => <PssBadge level={r.pssLevel} /> },
    { title: 'Last change', field: 'lastChangedAt', render: r => formatDateTime(r.lastChangedAt) },
  ];
  return (
    <Table<OverviewRow>
      title="Services"
      columns={columns}
      data={props.rows}
      options={{ paging: props.rows.length > 20, pageSize: 20, search: props.rows.length > 10, padding: 'dense' }}
      emptyContent={
        <Box p={2}>
          <Typography variant="body2" data-testid="posture-group-empty">
            {props.empty}
          </Typography>
        </Box>
      }
    />
  );
}

function WorstChecks(props: { checks: WorstCheck[]; scored: number }) {
  const tabLink = usePostureTabLink();
  // "no check fails" is only reassurance when something was judged
  if (props.scored === 0) {
    return <Typography variant="body2">No scored service here, so no check was judged.</Typography>;
  }
  if (props.checks.length === 0) {
    return <Typography variant="body2">{`No check fails on the ${props.scored} scored service${props.scored === 1 ? '' : 's'}.`}</Typography>;
  }
  return (
    <Box display="flex" flexDirection="column" style={{ gap: 12 }}>
      {props.checks.map(c => (
        <Box key={c.checkId} data-testid="posture-worst-check" data-check-id={c.checkId}>
          <Box display="flex" alignItems="center" flexWrap="wrap" style={{ gap: 8 }}>
            <Typography variant="body1" style={{ fontWeight: 500 }}>
              {c.title}
            </Typography>
            {isSeverity(c.severity) && <SeverityChip severity={c.severity} />}
            <Typography variant="body2" color="textSecondary">
              {`fails on ${c.failing} service${c.failing === 1 ? '' : 's'}`}
            </Typography>
          </Box>
          <Typography variant="body2">
            {c.entities.map((ref, i) => (
              <span key={ref}>
                {i > 0 && ', '}
                <Link to={tabLink(ref)}>{shortName(ref)}</Link>
              </span>
            ))}
          </Typography>
        </Box>
      ))}
    </Box>
  );
}

/**
 * The Posture tab of a Group: its services, their averages and what they most often get wrong. A
 * department owns little itself, so by default it rolls up the groups below it; the switch keeps
 * to what the group owns directly.
 */
export function GroupPostureContent() {
  const { entity } = useEntity();
  const api = useApi(postureApiRef);
  const namespace = entity.metadata.namespace ?? 'default';
  const name = entity.metadata.name;
  const [direct, setDirect] = useState(false);
  const scope = direct ? 'direct' : 'tree';
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.getGroupRollup({ namespace, name }, { scope }),
    [api, namespace, name, scope],
  );
  const toggle = (
    <FormControlLabel
      control={<Switch checked={direct} onChange={e => setDirect(e.target.checked)} color="primary" />}
      label="Only services this group owns directly"
      data-testid="posture-group-direct-toggle"
    />
  );
  if (loading) return <Progress />;
  if (error) return <RequestError error={error} retry={retry} what="this team's posture" />;
  if (!value) return null;
  const { averages } = value;
  const counts = countsOf(value);
  const subgroups = (value.groups?.length ?? 1) - 1;
  // averages have no grade of their own; the usual thresholds give a readable one
  const gradeOf = (score: number | null) => (score === null ? null : gradeFor(score, false));
  const coverage = direct || subgroups === 0 ? 'owned directly' : `owned by this group and the ${subgroups} group${subgroups === 1 ? '' : 's'} below it`;
  const empty = direct
    ? 'This group owns no services directly. Switch off "Only services this group owns directly" to include the groups below it.'
    : subgroups > 0
      ? 'Neither this group nor the groups below it own a service.'
      : 'This group owns no services.';
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <Box display="flex" alignItems="center" flexWrap="wrap" style={{ gap: 16 }}>
          {toggle}
          <Typography variant="body2" color="textSecondary" data-testid="posture-group-counts">
            {`${scoredOf(counts)} ${coverage}`}
          </Typography>
        </Box>
      </Grid>
      <Grid item xs={12} md={7}>
        <InfoCard
          title={direct || subgroups === 0 ? 'Team averages' : 'Averages across the groups below'}
          subheader={counts.scored === 0 ? `No scored service (${counts.total} in all)` : `Over ${scoredOf(counts)}`}
        >
          <Box display="flex" justifyContent="space-around" flexWrap="wrap" style={{ gap: 16 }}>
            <ScoreGauge label="Scalability" id="scalability" score={averages.scalability} grade={gradeOf(averages.scalability)} />
            <ScoreGauge label="Security" id="security" score={averages.security} grade={gradeOf(averages.security)} />
            <ScoreGauge label="Overall" id="overall" score={averages.overall} grade={gradeOf(averages.overall)} />
          </Box>
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={5}>
        <InfoCard title="Levels">
          <DistributionBars
            id="group-levels"
            title="Services per level"
            order={LEVEL_ORDER}
            counts={value.levels}
            colors={{ ...LEVEL_COLORS, none: '#bdbdbd' }}
            labels={{ None: 'No level', none: 'not scored' }}
          />
        </InfoCard>
      </Grid>
      {!direct && (value.children?.length ?? 0) > 0 && (
        <Grid item xs={12} md={6}>
          <InfoCard title="Groups below">
            <ChildGroups rollup={value} />
          </InfoCard>
        </Grid>
      )}
      <Grid item xs={12} md={!direct && (value.children?.length ?? 0) > 0 ? 6 : 12}>
        <TrendCard group={{ namespace, name }} scope={scope} title="Average score over time" />
      </Grid>
      <Grid item xs={12}>
        <EntitiesTable rows={value.entities} empty={empty} showOwner={!direct && subgroups > 0} />
      </Grid>
      <Grid item xs={12}>
        <InfoCard title="Checks failing most often">
          <WorstChecks checks={value.worstChecks} scored={counts.scored} />
        </InfoCard>
      </Grid>
    </Grid>
  );
}
