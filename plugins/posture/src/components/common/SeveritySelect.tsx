import FormControl from '@material-ui/core/FormControl';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import { SEVERITIES, Severity } from '@posture-dev/backstage-plugin-posture-common';
import { capitalize } from '../../lib/format';

/**
 * A multiple choice of severities, for the checks filters of the Posture tab and the check catalog.
 * The choice comes back in severity order (critical first), whatever order it was clicked in.
 */
export function SeveritySelect(props: {
  id: string;
  value: Severity[];
  onChange: (value: Severity[]) => void;
  testId: string;
  variant?: 'standard' | 'outlined';
  minWidth?: number;
}) {
  const { id, value, onChange, testId, variant = 'standard', minWidth = 180 } = props;
  return (
    <FormControl variant={variant} size="small" style={{ minWidth }}>
      <InputLabel id={id}>Severity</InputLabel>
      <Select
        labelId={id}
        label={variant === 'outlined' ? 'Severity' : undefined}
        multiple
        value={value}
        onChange={e => onChange(SEVERITIES.filter(s => (e.target.value as Severity[]).includes(s)))}
        renderValue={v => (v as Severity[]).map(capitalize).join(', ')}
        data-testid={testId}
      >
        {SEVERITIES.map(s => (
          <MenuItem key={s} value={s}>
            {capitalize(s)}
          </MenuItem>
        ))}
      </Select>
    </FormControl>
  );
}
