import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { Grade } from '@posture-dev/backstage-plugin-posture-common';
import { formatScore, scoreColor } from '../../lib/format';
import { GradeBadge } from '../common/Badges';

// a half circle from the left to the right end; pathLength lets the dash array be the score itself
const ARC = 'M 10 50 A 40 40 0 0 1 90 50';

export interface ScoreGaugeProps {
  /** e.g. "Security" */
  label: string;
  score: number | null | undefined;
  grade: Grade | null | undefined;
  /** suffix of the test ids: posture-gauge-<id>, posture-grade-<id> */
  id: string;
  size?: number;
}

export function ScoreGauge(props: ScoreGaugeProps) {
  const { label, score, grade, id, size = 140 } = props;
  const value = score === null || score === undefined ? 0 : Math.max(0, Math.min(100, score));
  const description =
    score === null || score === undefined
      ? `${label}: no score, no check applied`
      : `${label} score ${formatScore(score)} out of 100, grade ${grade ?? 'none'}`;
  return (
    <Box
      display="flex"
      flexDirection="column"
      alignItems="center"
      data-testid={`posture-gauge-${id}`}
      data-score={score ?? ''}
    >
      <svg width={size} height={size * 0.6} viewBox="0 0 100 60" role="img" aria-label={description}>
        <title>{description}</title>
        <path d={ARC} fill="none" stroke="#e0e0e0" strokeWidth={10} strokeLinecap="round" />
        {value > 0 && (
          <path
            d={ARC}
            fill="none"
            stroke={scoreColor(score)}
            strokeWidth={10}
            strokeLinecap="round"
            pathLength={100}
            strokeDasharray={`${value} 100`}
          />
        )}
        <text x={50} y={47} textAnchor="middle" fontSize={18} fontWeight={700} fill="currentColor">
          {formatScore(score)}
        </text>
      </svg>
      <Box display="flex" alignItems="center" style={{ gap: 6 }}>
        <Typography variant="subtitle2">{label}</Typography>
        <GradeBadge grade={grade} testId={`posture-grade-${id}`} label={`${label} grade`} />
      </Box>
    </Box>
  );
}
