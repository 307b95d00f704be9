import { InfoCard, Link, Progress, Table, TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { CampaignDetail, CampaignEntity, SEVERITIES, Severity } from '@posture-dev/backstage-plugin-posture-common';
import { useParams } from 'react-router-dom';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { postureApiRef } from '../../api';
import { formatDateTime, formatScore } from '../../lib/format';
import { usePostureTabLink } from '../../lib/links';
import { GradeBadge, LevelBadge, SeverityChip } from '../common/Badges';
import { RequestError } from '../common/RequestError';
import { LineChart } from '../trends/LineChart';
import { CampaignProgressBar } from './CampaignProgressBar';
import { describeDeadline, describeScope, describeTarget, shortRef } from './describe';

const isSeverity = (s: string): s is Severity => (SEVERITIES as readonly string[]).includes(s);

function Burndown(props: { campaign: CampaignDetail }) {
  const { burndown, target } = props.campaign;
  const last = burndown[burndown.length - 1];
  const first = burndown[0];
  const summary = last
    ? `${last.short} of ${last.total} services short now${first && first !== last ? `, ${first.short} on ${formatDateTime(first.at)}` : ''}`
    : 'no data';
  return (
    <>
      <LineChart
        id="burndown"
        title="Services still short"
        times={burndown.map(p => p.at)}
        max={burndown.reduce((m, p) => Math.max(m, p.total), 1)}
        summary={summary}
        series={[{ id: 'short', label: 'short of the target', color: '#c62828', values: burndown.map(p => p.short) }]}
      />
      <Typography variant="body2" color="textSecondary" data-testid="posture-burndown-note">
        {target.type === 'check' && burndown.length <= 1
          ? 'Score history keeps no single checks: which services pass this check is recorded every 15 minutes from now on, and the line grows from there.'
          : burndown.length <= 2 && first?.short === last?.short
            ? `No change since ${formatDateTime(first?.at)}: the line moves when a collection changes a service's score.`
            : summary}
      </Typography>
    </>
  );
}

function ShortServices(props: { entities: CampaignEntity[] }) {
  const tabLink = usePostureTabLink();
  const short = props.entities.filter(e => !e.met);
  const columns: TableColumn<CampaignEntity>[] = [
    {
      title: 'Service',
      field: 'entityRef',
      render: e => (
        <Link to={tabLink(e.entityRef)} data-testid="posture-campaign-short" data-entity-ref={e.entityRef}>
          {e.title ?? shortRef(e.entityRef)}
        </Link>
      ),
    },
    { title: 'Owner', field: 'owner', render: e => (e.owner ? <EntityRefLink entityRef={e.owner} defaultKind="group" /> : '–') },
    {
      title: 'Now',
      field: 'overall',
      render: e =>
        e.state === 'scored' ? (
          <Box display="flex" alignItems="center" style={{ gap: 6 }}>
            <GradeBadge grade={e.grade} /> {e.level && <LevelBadge level={e.level} />} {formatScore(e.overall)}
          </Box>
        ) : (
          'not scored'
        ),
    },
    {
      title: 'What blocks it',
      field: 'blockingChecks',
      render: e => (
        <Box data-testid="posture-campaign-blockers">
          {e.reason && <Typography variant="body2">{e.reason}</Typography>}
          {e.blockingChecks.map(c => (
            <Box key={c.checkId} display="flex" alignItems="center" style={{ gap: 6 }}>
              {isSeverity(c.severity) && <SeverityChip severity={c.severity} />}
              <Typography variant="body2">{c.title}</Typography>
            </Box>
          ))}
        </Box>
      ),
    },
  ];
  return (
    <Table<CampaignEntity>
      title={`Services still short (${short.length})`}
      columns={columns}
      data={short}
      options={{ paging: short.length > 20, pageSize: 20, search: short.length > 10, padding: 'dense', sorting: false }}
      emptyContent={
        <Box p={2}>
          <Typography variant="body2">Every service in scope meets the target.</Typography>
        </Box>
      }
    />
  );
}

/** Renders a loaded campaign; separate from the fetch so it can be shown in a test or a storybook. */
export function CampaignView(props: { campaign: CampaignDetail }) {
  const c = props.campaign;
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <InfoCard title={c.title} subheader={`Target: ${describeTarget(c.target)} · Scope: ${describeScope(c.scope)}`}>
          {c.description && <Typography variant="body1" paragraph>{c.description}</Typography>}
          <Typography variant="body2" paragraph data-testid="posture-campaign-deadline">
            Deadline: {describeDeadline(c.deadline, c.daysLeft)}
          </Typography>
          <CampaignProgressBar progress={c.progress} />
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={6}>
        <InfoCard title="Progress per team">
          <Box display="flex" flexDirection="column" style={{ gap: 12 }}>
            {c.byOwner.map(o => (
              <Box key={o.owner ?? 'none'} data-testid="posture-campaign-team" data-owner={o.owner ?? ''}>
                <Typography variant="subtitle2">
                  {o.owner ? <EntityRefLink entityRef={o.owner} defaultKind="group" /> : 'No owner'}
                </Typography>
                <CampaignProgressBar
                  progress={{ total: o.total, met: o.met, percent: o.total ? Math.round((o.met / o.total) * 1000) / 10 : null }}
                  testId={`posture-campaign-team-progress-${shortRef(o.owner ?? 'none')}`}
                />
              </Box>
            ))}
            {c.byOwner.length === 0 && <Typography variant="body2">No service in scope.</Typography>}
          </Box>
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={6}>
        <InfoCard title="Burn-down">
          <Burndown campaign={c} />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <ShortServices entities={c.entities} />
      </Grid>
    </Grid>
  );
}

/** The page of one campaign, at /posture/campaigns/:id. */
export function CampaignPage() {
  const { id = '' } = useParams();
  const api = useApi(postureApiRef);
  const { value, loading, error, retry } = useAsyncRetry(async () => {
    if (!api.getCampaign) throw new Error('This Posture API has no campaigns');
    return api.getCampaign(id);
  }, [api, id]);
  if (loading) return <Progress />;
  if (error) return <RequestError error={error} retry={retry} what="this campaign" />;
  return value ? <CampaignView campaign={value} /> : null;
}
