import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  OverviewQuery,
  RightSizingResponse,
  RightSizingTeam,
  formatCores,
  formatMemory,
} from '@posture-dev/backstage-plugin-posture-common';
import { postureApiRef } from '../../api';
import { useDisplayNames } from '../../lib/useDisplayNames';
import { RequestError } from '../common/RequestError';

function share(part: number, whole: number): string {
  return whole > 0 ? ` (${Math.round((part / whole) * 100)} %)` : '';
}

function TeamRow(props: { team: Omit<RightSizingTeam, 'owner'> & { owner?: string | null }; name: string; total?: boolean }) {
  const { team, name, total } = props;
  const weight = total ? { fontWeight: 600 } : undefined;
  return (
    <TableRow data-testid={total ? 'posture-rightsizing-total' : 'posture-rightsizing-team'} data-owner={team.owner ?? ''}>
      <TableCell style={weight}>{name}</TableCell>
      <TableCell align="right" style={weight}>{team.services}</TableCell>
      <TableCell align="right" style={weight}>
        {`${formatCores(team.overRequested.cpuCores)}${share(team.overRequested.cpuCores, team.requested.cpuCores)}`}
      </TableCell>
      <TableCell align="right">{formatCores(team.requested.cpuCores)}</TableCell>
      <TableCell align="right" style={weight}>
        {`${formatMemory(team.overRequested.memoryBytes)}${share(team.overRequested.memoryBytes, team.requested.memoryBytes)}`}
      </TableCell>
      <TableCell align="right">{formatMemory(team.requested.memoryBytes)}</TableCell>
    </TableRow>
  );
}

/**
 * The budget-meeting number: CPU and memory each team reserves and does not use, over the services
 * the overview's filters match. Hidden for a backend without the route (older versions) and when no
 * service has a usage source, so that an app without Prometheus or VPAs sees no empty card.
 */
export function TeamRightSizingCard(props: { query: OverviewQuery; gridItem?: boolean }) {
  const api = useApi(postureApiRef);
  const key = JSON.stringify(props.query);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const { value, error, retry } = useAsyncRetry(async () => (api.getRightSizing ? api.getRightSizing(props.query) : undefined), [api, key]);
  const nameOf = useDisplayNames(value?.teams.map(t => t.owner) ?? []);
  let card: JSX.Element | null = null;
  if (error) card = <RequestError error={error} retry={retry} what="the right-sizing estimate" />;
  else if (value && value.total.services > 0) card = <Estimate value={value} nameOf={nameOf} />;
  if (!card) return null;
  // an empty grid item would still take its spacing
  return props.gridItem ? (
    <Grid item xs={12}>
      {card}
    </Grid>
  ) : (
    card
  );
}

function Estimate(props: { value: RightSizingResponse; nameOf: (ref: string) => string }) {
  const { value, nameOf } = props;
  return (
    <InfoCard
      title="Over-requested per team"
      subheader="CPU and memory reserved and not used, over all pods of the matching services with a usage source"
    >
      <Typography variant="body1" data-testid="posture-rightsizing-summary">
        {`${formatCores(value.total.overRequested.cpuCores)} of CPU and ${formatMemory(value.total.overRequested.memoryBytes)} of memory are requested above use, across ${value.total.services} measured service${value.total.services === 1 ? '' : 's'}.`}
      </Typography>
      <Typography variant="caption" color="textSecondary" component="p">
        CPU counts each container's request above its p95 use over the query window; memory its request above peak use.
        Times each workload's pods. Containers without a request or a measurement add nothing, so it is a floor. Usage
        comes from Prometheus, or a VerticalPodAutoscaler's recommendation where no Prometheus is configured.
      </Typography>
      <Box overflow="auto" mt={1}>
        <Table size="small" aria-label="Over-requested CPU and memory per team">
          <TableHead>
            <TableRow>
              <TableCell>Team</TableCell>
              <TableCell align="right">Measured services</TableCell>
              <TableCell align="right">CPU over-requested</TableCell>
              <TableCell align="right">CPU requested</TableCell>
              <TableCell align="right">Memory over-requested</TableCell>
              <TableCell align="right">Memory requested</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {value.teams.map(t => (
              <TeamRow key={t.owner ?? ''} team={t} name={t.owner ? nameOf(t.owner) : 'No owner'} />
            ))}
            {value.teams.length > 1 && <TeamRow team={value.total} name="All teams" total />}
          </TableBody>
        </Table>
      </Box>
    </InfoCard>
  );
}
