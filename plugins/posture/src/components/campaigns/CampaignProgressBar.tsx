import Box from '@material-ui/core/Box';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import { CampaignProgress } from '@posture-dev/backstage-plugin-posture-common';

/** "5 of 8 services meet the target (62.5%)", with a bar; the numbers are printed, never only drawn. */
export function CampaignProgressBar(props: { progress: CampaignProgress; testId?: string }) {
  const { total, met, percent } = props.progress;
  const text = total === 0 ? 'no service in scope' : `${met} of ${total} service${total === 1 ? ' meets' : 's meet'} the target (${percent}%)`;
  return (
    <Box data-testid={props.testId ?? 'posture-campaign-progress'} data-met={met} data-total={total}>
      <LinearProgress variant="determinate" value={percent ?? 0} aria-label={text} style={{ height: 8, borderRadius: 4 }} />
      <Typography variant="body2" style={{ marginTop: 4 }}>
        {text}
      </Typography>
    </Box>
  );
}
