import { InfoCard } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import LinearProgress from '@material-ui/core/LinearProgress';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import {
  ClusterScorecard,
  ContainerResources,
  WorkloadResources,
  formatCores,
  formatMemory,
  rightSizingOf,
} from '@posture-dev/backstage-plugin-posture-common';

const dash = '–';

function share(used: number | undefined, of: number | undefined): number | undefined {
  return used !== undefined && of !== undefined && of > 0 ? used / of : undefined;
}

/** Use as a share of the request: a bar, and the words for screen readers and for tests. */
function UseBar(props: { used?: number; requested?: number; label: string }) {
  const s = share(props.used, props.requested);
  if (s === undefined) return <Typography variant="body2">{dash}</Typography>;
  const pct = Math.round(s * 100);
  return (
    <Box minWidth={90}>
      <Typography variant="body2">{`${pct} %`}</Typography>
      <LinearProgress
        variant="determinate"
        value={Math.min(100, pct)}
        color={s > 1 ? 'secondary' : 'primary'}
        aria-label={`${props.label}: ${pct} % of the request`}
      />
    </Box>
  );
}

function sourceText(w: WorkloadResources): string {
  if (w.source === 'prometheus') return `Prometheus, ${w.window || 'query window'}`;
  return `${w.source} (recommendation)`;
}

function ContainerRow(props: { cluster: string; w: WorkloadResources; c: ContainerResources; first: boolean; rows: number }) {
  const { cluster, w, c, first, rows } = props;
  return (
    <TableRow data-testid="posture-resources-row" data-workload={w.workload.name} data-container={c.name}>
      {first && (
        <TableCell rowSpan={rows} style={{ verticalAlign: 'top' }}>
          <Typography variant="body2" style={{ fontWeight: 500 }}>
            {`${w.workload.kind} ${w.workload.name}`}
          </Typography>
          <Typography variant="caption" color="textSecondary" component="div">
            {`${cluster} · ${w.workload.namespace ?? 'default'} · ${w.replicas} pod${w.replicas === 1 ? '' : 's'} (${w.replicasFrom})`}
          </Typography>
          <Typography variant="caption" color="textSecondary" component="div">
            {sourceText(w)}
          </Typography>
        </TableCell>
      )}
      <TableCell>{c.name}</TableCell>
      <TableCell align="right">{c.requests.cpu === undefined ? dash : formatCores(c.requests.cpu)}</TableCell>
      <TableCell align="right">{c.used.cpuP95 === undefined ? dash : formatCores(c.used.cpuP95)}</TableCell>
      <TableCell>
        <UseBar used={c.used.cpuP95} requested={c.requests.cpu} label={`${c.name} CPU p95 use`} />
      </TableCell>
      <TableCell align="right">{c.requests.memory === undefined ? dash : formatMemory(c.requests.memory)}</TableCell>
      <TableCell align="right">
        {c.used.memoryMax === undefined ? dash : formatMemory(c.used.memoryMax)}
        {c.limits.memory !== undefined && (
          <Typography variant="caption" color="textSecondary" component="div">
            {`limit ${formatMemory(c.limits.memory)}`}
          </Typography>
        )}
      </TableCell>
      <TableCell>
        <UseBar used={c.used.memoryMax} requested={c.requests.memory} label={`${c.name} peak memory use`} />
      </TableCell>
    </TableRow>
  );
}

/**
 * Requested against used for each container a usage source covers, with what the service reserves
 * and does not use over all its pods. Shown only when some cluster has a usage source: without one
 * the right-sizing checks say so themselves (not applicable).
 */
export function ResourceUsageCard(props: { clusters: ClusterScorecard[] }) {
  const measured = props.clusters.flatMap(c => (c.resources ?? []).map(w => ({ cluster: c.cluster, w })));
  if (measured.length === 0) return null;
  let cpu = 0;
  let memory = 0;
  let pods = 0;
  for (const { w } of measured) {
    const o = rightSizingOf(w).overRequested;
    cpu += o.cpuCores;
    memory += o.memoryBytes;
    pods += w.replicas;
  }
  return (
    <InfoCard title="Requested vs used" subheader="CPU at p95 use, memory at peak use, in the busiest pod">
      <Box mb={2} data-testid="posture-over-request">
        <Typography variant="body1">
          {cpu > 0 || memory > 0
            ? `Reserved and not used, over ${pods} pod${pods === 1 ? '' : 's'}: ${formatCores(cpu)} of CPU and ${formatMemory(memory)} of memory.`
            : 'Every measured container uses what it requests.'}
        </Typography>
        <Typography variant="caption" color="textSecondary">
          CPU counts the request above p95 use; memory the request above peak use (memory given back below the peak means
          OOM kills). A container without a request or a measurement adds nothing, so this is a floor.
        </Typography>
      </Box>
      <Box overflow="auto">
        <Table size="small" aria-label="Requested against used per container">
          <TableHead>
            <TableRow>
              <TableCell>Workload</TableCell>
              <TableCell>Container</TableCell>
              <TableCell align="right">CPU request</TableCell>
              <TableCell align="right">CPU p95 use</TableCell>
              <TableCell>CPU used</TableCell>
              <TableCell align="right">Memory request</TableCell>
              <TableCell align="right">Memory peak use</TableCell>
              <TableCell>Memory used</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {measured.flatMap(({ cluster, w }) =>
              w.containers.map((c, i) => (
                <ContainerRow
                  key={`${cluster}/${w.workload.kind}/${w.workload.name}/${c.name}`}
                  cluster={cluster}
                  w={w}
                  c={c}
                  first={i === 0}
                  rows={w.containers.length}
                />
              )),
            )}
          </TableBody>
        </Table>
      </Box>
    </InfoCard>
  );
}
