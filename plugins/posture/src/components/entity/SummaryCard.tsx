import { InfoCard } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { EntityScorecard } from '@posture-dev/backstage-plugin-posture-common';
import { formatDateTime, formatScore } from '../../lib/format';
import { GradeBadge, LevelBadge, PssBadge } from '../common/Badges';
import { ScoreGauge } from '../charts/ScoreGauge';
import { ScoringExplainer } from './ScoringExplainer';

export function SummaryCard(props: { scorecard: EntityScorecard }) {
  const { scorecard } = props;
  const c = scorecard.combined;
  return (
    <InfoCard title="Posture" subheader={scorecard.clusters.length > 1 ? `Combined over ${scorecard.clusters.length} clusters` : undefined}>
      <Box display="flex" flexWrap="wrap" justifyContent="space-around" alignItems="center" style={{ gap: 16 }}>
        <ScoreGauge label="Scalability" id="scalability" score={c?.scores.scalability} grade={c?.grades.scalability} />
        <ScoreGauge label="Security" id="security" score={c?.scores.security} grade={c?.grades.security} />
        <Box display="flex" flexDirection="column" style={{ gap: 8 }}>
          <Box display="flex" alignItems="center" style={{ gap: 8 }}>
            <Typography variant="body2">Overall</Typography>
            <GradeBadge grade={c?.grades.overall} testId="posture-grade" label="Overall grade" />
            <Typography variant="body2" color="textSecondary">
              {formatScore(c?.overall)}
            </Typography>
          </Box>
          <Box display="flex" alignItems="center" style={{ gap: 8 }}>
            <Typography variant="body2">Level</Typography>
            <LevelBadge level={c?.level} testId="posture-level" />
          </Box>
          <Box display="flex" alignItems="center" style={{ gap: 8 }}>
            <Typography variant="body2">Pod Security</Typography>
            <PssBadge level={c?.pssLevel} testId="posture-pss-level" />
          </Box>
          {c && (
            <Typography variant="caption" color="textSecondary">
              {`Failing: ${c.failingBySeverity.critical} critical, ${c.failingBySeverity.high} high, ${c.failingBySeverity.medium} medium, ${c.failingBySeverity.low} low`}
            </Typography>
          )}
          <Typography variant="caption" color="textSecondary">
            {`Last change: ${formatDateTime(scorecard.lastChangedAt)}`}
          </Typography>
        </Box>
      </Box>
      <Box mt={2}>
        <ScoringExplainer scorecard={c} />
      </Box>
    </InfoCard>
  );
}
