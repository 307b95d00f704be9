import { InfoCard } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { CheckGroup } from '../../lib/checks';
import { describeLevelSteps, failingChecksBySeverity, levelSteps } from '../../lib/fixFirst';
import { CheckRow } from './CheckRow';

/**
 * What to fix, first on the tab: the failing checks of both pillars ordered by
 * severity, under a strip that says what each step of fixes earns.
 */
export function FixFirstCard(props: { groups: CheckGroup[] }) {
  const { groups } = props;
  const steps = levelSteps(failingChecksBySeverity(groups));
  return (
    <InfoCard title="Fix first" subheader="Failing checks of both pillars, most severe first">
      <Box
        mb={2}
        p={1.5}
        borderRadius={4}
        bgcolor={steps.length === 0 ? 'success.light' : 'warning.light'}
        data-testid="posture-fix-first-strip"
      >
        <Typography variant="body1" style={{ fontWeight: 500 }}>
          {describeLevelSteps(steps)}
        </Typography>
      </Box>
      {groups.map(g => (
        <CheckRow key={g.checkId} group={g} showPillar />
      ))}
    </InfoCard>
  );
}
