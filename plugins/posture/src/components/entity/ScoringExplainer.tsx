import Accordion from '@material-ui/core/Accordion';
import AccordionDetails from '@material-ui/core/AccordionDetails';
import AccordionSummary from '@material-ui/core/AccordionSummary';
import Typography from '@material-ui/core/Typography';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import { DEFAULT_WEIGHTS, Scorecard } from '@posture-dev/backstage-plugin-posture-common';
import { levelName } from '../../lib/fixFirst';

/** Why the grades and the level read as they do, next to where they are shown. */
export function ScoringExplainer(props: { scorecard?: Scorecard | null }) {
  const c = props.scorecard;
  const w = DEFAULT_WEIGHTS;
  const critical = c ? c.failingBySeverity.critical : 0;
  return (
    <Accordion data-testid="posture-scoring-explainer" variant="outlined">
      <AccordionSummary expandIcon={<ExpandMoreIcon />}>
        <Typography variant="body2">How these numbers are computed</Typography>
      </AccordionSummary>
      <AccordionDetails style={{ flexDirection: 'column', gap: 8 }}>
        <Typography variant="body2">
          {`Score: each pillar's score is 100 × the weight of its passing checks ÷ the weight of all checks that applied. Weights follow severity (by default critical ${w.critical}, high ${w.high}, medium ${w.medium}, low ${w.low}); exempt, not-applicable and errored checks do not count.`}
        </Typography>
        <Typography variant="body2">
          Grade: A from 90, B from 80, C from 70, D from 60, else F. A failing critical check caps the grade at D,
          however high the score.
        </Typography>
        <Typography variant="body2">
          {`Overall: the same formula over the checks of both pillars together, so a pillar with many passing checks can lift it: "Overall A" can sit beside "Scalability D".`}
        </Typography>
        <Typography variant="body2">
          Level counts failures, not weights: Gold when no check fails, Silver when only medium or low checks fail,
          Bronze when high checks fail but no critical one, and "No level" while any critical check fails.
        </Typography>
        {c && (
          <Typography variant="body2" data-testid="posture-scoring-why">
            {`Here: level ${levelName(c.level)}${
              critical > 0 ? ` because ${critical} critical result${critical === 1 ? '' : 's'} fail` : ''
            }; ${c.failingBySeverity.high} high, ${c.failingBySeverity.medium} medium and ${c.failingBySeverity.low} low failing results.`}
          </Typography>
        )}
      </AccordionDetails>
    </Accordion>
  );
}
