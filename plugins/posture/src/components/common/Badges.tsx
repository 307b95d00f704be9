import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusWarning,
} from '@backstage/core-components';
import Chip from '@material-ui/core/Chip';
import {
  CheckStatus,
  Grade,
  Level,
  PssLevel,
  Severity,
} from '@posture-dev/backstage-plugin-posture-common';
import {
  LEVEL_COLORS,
  PSS_COLORS,
  SEVERITY_COLORS,
  capitalize,
  gradeColor,
} from '../../lib/format';
import { levelName } from '../../lib/fixFirst';

const LEVEL_HINT: Record<Level, string> = {
  Gold: 'no failing checks',
  Silver: 'only medium or low severity checks fail',
  Bronze: 'high severity checks fail',
  None: 'no level is reached while a critical check fails',
};

const PSS_HINT: Record<PssLevel, string> = {
  restricted: 'would be admitted under the restricted Pod Security Standard',
  baseline: 'meets baseline, but not restricted, Pod Security Standard',
  privileged: 'fails the baseline Pod Security Standard',
};

export function GradeBadge(props: { grade: Grade | null | undefined; testId?: string; label?: string }) {
  const { grade, testId, label } = props;
  return (
    <Chip
      size="small"
      data-testid={testId}
      aria-label={`${label ?? 'Grade'} ${grade ?? 'none'}`}
      label={grade ?? '–'}
      style={{ backgroundColor: gradeColor(grade), color: '#fff', fontWeight: 700 }}
    />
  );
}

export function LevelBadge(props: { level: Level | null | undefined; testId?: string }) {
  const level = props.level ?? 'None';
  return (
    <Chip
      size="small"
      data-testid={props.testId}
      aria-label={`Level: ${levelName(level)}`}
      title={`${levelName(level)}: ${LEVEL_HINT[level]}`}
      label={levelName(level)}
      style={{ backgroundColor: LEVEL_COLORS[level], color: '#fff', fontWeight: 600 }}
    />
  );
}

export function PssBadge(props: { level: PssLevel | null | undefined; testId?: string }) {
  const { level, testId } = props;
  if (!level) return <span data-testid={testId}>–</span>;
  return (
    <Chip
      size="small"
      variant="outlined"
      data-testid={testId}
      aria-label={`Pod Security ${level}`}
      title={PSS_HINT[level]}
      label={`PSS ${level}`}
      style={{ borderColor: PSS_COLORS[level], color: PSS_COLORS[level] }}
    />
  );
}

export function SeverityChip(props: { severity: Severity }) {
  const { severity } = props;
  return (
    <Chip
      size="small"
      variant="outlined"
      label={capitalize(severity)}
      aria-label={`Severity ${severity}`}
      style={{ borderColor: SEVERITY_COLORS[severity], color: SEVERITY_COLORS[severity] }}
    />
  );
}

const STATUS_LABEL: Record<CheckStatus, string> = {
  pass: 'Pass',
  fail: 'Fail',
  error: 'Error',
  exempt: 'Exempt',
  'not-applicable': 'Not applicable',
};

/** The status word is always printed, so it does not rely on the icon's colour. */
export function CheckStatusLabel(props: { status: CheckStatus }) {
  const text = STATUS_LABEL[props.status];
  switch (props.status) {
    case 'pass':
      return <StatusOK>{text}</StatusOK>;
    case 'fail':
      return <StatusError>{text}</StatusError>;
    case 'error':
      return <StatusWarning>{text}</StatusWarning>;
    default:
      return <StatusAborted>{text}</StatusAborted>;
  }
}
