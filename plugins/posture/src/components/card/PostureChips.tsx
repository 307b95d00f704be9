import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import { Scorecard } from '@posture-dev/backstage-plugin-posture-common';
import { LEVEL_COLORS, SEVERITY_COLORS, gradeColor } from '../../lib/format';
import { PssBadge } from '../common/Badges';

/** "Gold level", or "no level": a missing level is a result, and must not read like missing data. */
export function levelChipLabel(level: Scorecard['level'] | null | undefined): string {
  return !level || level === 'None' ? 'no level' : `${level} level`;
}

/** "5 critical", "no critical": the count of failing critical checks, worded so zero reads as good news. */
export function criticalChipLabel(count: number): string {
  return count === 0 ? 'no critical' : `${count} critical`;
}

/**
 * The card's one-line verdict, e.g. "Grade F · no level · 5 critical". Every chip names what it
 * is, so the line reads without knowing the colour scheme or the badges of the Posture tab.
 */
export function PostureChips(props: { scorecard: Scorecard | null }) {
  const c = props.scorecard;
  const grade = c?.grades.overall ?? null;
  const critical = c?.failingBySeverity.critical ?? 0;
  const high = c?.failingBySeverity.high ?? 0;
  const level = c?.level ?? 'None';
  const summary = c
    ? [`Grade ${grade ?? 'none'}`, levelChipLabel(level), criticalChipLabel(critical)].join(' · ')
    : 'Not scored';
  return (
    <Box
      display="flex"
      flexWrap="wrap"
      alignItems="center"
      style={{ gap: 8 }}
      role="group"
      aria-label={summary}
      data-testid="posture-card-chips"
    >
      <Chip
        size="small"
        data-testid="posture-grade"
        label={grade ? `Grade ${grade}` : 'No grade'}
        title="Overall grade, from the scalability and security scores"
        style={{ backgroundColor: gradeColor(grade), color: '#fff', fontWeight: 700 }}
      />
      <Chip
        size="small"
        data-testid="posture-level"
        label={levelChipLabel(level)}
        title={level === 'None' ? 'No level is reached while a critical check fails' : `Level ${level}`}
        style={{ backgroundColor: LEVEL_COLORS[level], color: '#fff', fontWeight: 600 }}
      />
      <Chip
        size="small"
        variant="outlined"
        data-testid="posture-card-critical"
        label={criticalChipLabel(critical)}
        title="Failing checks of critical severity"
        style={
          critical > 0
            ? { borderColor: SEVERITY_COLORS.critical, color: SEVERITY_COLORS.critical, fontWeight: 600 }
            : undefined
        }
      />
      {high > 0 && (
        <Chip
          size="small"
          variant="outlined"
          data-testid="posture-card-high"
          label={`${high} high`}
          title="Failing checks of high severity"
          style={{ borderColor: SEVERITY_COLORS.high, color: SEVERITY_COLORS.high }}
        />
      )}
      <PssBadge level={c?.pssLevel} testId="posture-pss-level" />
    </Box>
  );
}
