import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { GroupRollup } from '@posture-dev/backstage-plugin-posture-common';
import { formatScore, scoreColor } from '../../lib/format';

/** "2 scored of 3 services": what an average was computed over. */
export function scoredOf(counts: { total: number; scored: number }): string {
  return `${counts.scored} scored of ${counts.total} service${counts.total === 1 ? '' : 's'}`;
}

/** The counts of a roll-up, falling back to what the entities say when the backend predates them. */
export function countsOf(rollup: GroupRollup): { total: number; scored: number } {
  return rollup.counts ?? { total: rollup.entities.length, scored: rollup.entities.filter(e => e.state === 'scored').length };
}

/** Each child group (with the groups below it): how much of it is scored, and its average. */
export function ChildGroups(props: { rollup: GroupRollup }) {
  const children = props.rollup.children ?? [];
  if (children.length === 0) return null;
  return (
    <Box display="flex" flexDirection="column" style={{ gap: 8 }} data-testid="posture-group-children">
      {children.map(c => (
        <Box key={c.groupRef} display="flex" alignItems="baseline" style={{ gap: 12 }} data-testid="posture-group-child" data-group-ref={c.groupRef}>
          <Typography variant="body1" style={{ minWidth: 160 }}>
            <EntityRefLink entityRef={c.groupRef} defaultKind="group" />
          </Typography>
          <Typography variant="body2" color="textSecondary" style={{ minWidth: 160 }}>
            {scoredOf(c)}
          </Typography>
          <Typography variant="body2" style={{ color: scoreColor(c.overall), fontWeight: 600 }}>
            {c.overall === null ? 'no average' : `average ${formatScore(c.overall)}`}
          </Typography>
        </Box>
      ))}
    </Box>
  );
}
