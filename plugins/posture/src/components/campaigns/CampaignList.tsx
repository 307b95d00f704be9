import { Link, Progress, Table, TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { CampaignSummary } from '@posture-dev/backstage-plugin-posture-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { postureApiRef } from '../../api';
import { useCampaignLink } from './links';
import { RequestError } from '../common/RequestError';
import { CampaignProgressBar } from './CampaignProgressBar';
import { describeDeadline, describeScope, describeTarget } from './describe';

/** Every campaign in `posture.campaigns`, with its progress and deadline. */
export function CampaignList() {
  const api = useApi(postureApiRef);
  const campaignLink = useCampaignLink();
  const { value, loading, error, retry } = useAsyncRetry(async () => (api.listCampaigns ? api.listCampaigns() : []), [api]);
  if (loading) return <Progress />;
  if (error) return <RequestError error={error} retry={retry} what="the campaigns" />;
  const rows = value ?? [];
  const columns: TableColumn<CampaignSummary>[] = [
    {
      title: 'Campaign',
      field: 'title',
      render: c => (
        <Box>
          <Link to={campaignLink(c.id)} data-testid="posture-campaign-link" data-campaign-id={c.id}>
            {c.title}
          </Link>
          <Typography variant="body2" color="textSecondary">
            {`${describeTarget(c.target)} · ${describeScope(c.scope)}`}
          </Typography>
        </Box>
      ),
    },
    {
      title: 'Deadline',
      field: 'deadline',
      render: c => describeDeadline(c.deadline, c.daysLeft),
      // the table sizes columns by content; without these the bar and the date wrap into slivers
      cellStyle: { whiteSpace: 'nowrap', minWidth: 180 },
    },
    {
      title: 'Progress',
      field: 'progress.percent',
      render: c => <CampaignProgressBar progress={c.progress} testId={`posture-campaign-progress-${c.id}`} />,
      cellStyle: { minWidth: 340 },
    },
  ];
  return (
    <Table<CampaignSummary>
      title="Campaigns"
      columns={columns}
      data={rows}
      options={{ paging: false, search: false, padding: 'dense', sorting: false }}
      emptyContent={
        <Box p={2}>
          <Typography variant="body2">
            No campaign is defined. A platform team adds them under <code>posture.campaigns</code> in app-config.yaml.
          </Typography>
        </Box>
      }
    />
  );
}
