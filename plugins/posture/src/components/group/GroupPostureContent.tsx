import { InfoCard, Link, Progress, Table, TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { GroupRollup, OverviewRow, SEVERITIES, Severity, gradeFor } from '@posture-dev/backstage-plugin-posture-common';
import { postureApiRef } from '../../api';
import { LEVEL_COLORS, formatDateTime, formatScore, scoreColor } from '../../lib/format';
import { usePostureTabLink } from '../../lib/links';
import { DistributionBars } from '../charts/DistributionBars';
import { ScoreGauge } from '../charts/ScoreGauge';
import { GradeBadge, LevelBadge, PssBadge, SeverityChip } from '../common/Badges';
import { RequestError } from '../common/RequestError';

type WorstCheck = GroupRollup['worstChecks'][number];

const LEVEL_ORDER = ['Gold', 'Silver', 'Bronze', 'None', 'none'] as const;
const isSeverity = (s: string): s is Severity => (SEVERITIES as readonly string[]).includes(s);

function shortName(ref: string) {
  return ref.replace(/^[^:]+:default\//, '').replace(/^[^:]+:/, '');
}

function EntitiesTable(props: { rows: OverviewRow[] }) {
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
          <Typography variant="body2">This team owns no scored services.</Typography>
        </Box>
      }
    />
  );
}

function WorstChecks(props: { checks: WorstCheck[] }) {
  const tabLink = usePostureTabLink();
  if (props.checks.length === 0) {
    return <Typography variant="body2">No check fails on this team's services.</Typography>;
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

/** The Posture tab of a Group: the team's services, their averages and what they most often get wrong. */
export function GroupPostureContent() {
  const { entity } = useEntity();
  const api = useApi(postureApiRef);
  const namespace = entity.metadata.namespace ?? 'default';
  const name = entity.metadata.name;
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.getGroupRollup({ namespace, name }),
    [api, namespace, name],
  );
  if (loading) return <Progress />;
  if (error) return <RequestError error={error} retry={retry} what="this team's posture" />;
  if (!value) return null;
  const { averages } = value;
  // averages have no grade of their own; the usual thresholds give a readable one
  const gradeOf = (score: number | null) => (score === null ? null : gradeFor(score, false));
  return (
    <Grid container spacing={3}>
      <Grid item xs={12} md={7}>
        <InfoCard title="Team averages" subheader={`Over ${value.entities.length} service${value.entities.length === 1 ? '' : 's'}`}>
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
            labels={{ none: 'not scored' }}
          />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <EntitiesTable rows={value.entities} />
      </Grid>
      <Grid item xs={12}>
        <InfoCard title="Checks failing most often">
          <WorstChecks checks={value.worstChecks} />
        </InfoCard>
      </Grid>
    </Grid>
  );
}
