import { useEffect, useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import FormControl from '@material-ui/core/FormControl';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import TextField from '@material-ui/core/TextField';
import Autocomplete from '@material-ui/lab/Autocomplete';
import useDebounce from 'react-use/esm/useDebounce';
import { GRADES, LEVELS, ListFilter, OverviewUrlState, hasFilters } from '../../lib/overviewQuery';
import { FilterOptions, toFullRef } from './useFilterOptions';
import { levelName } from '../../lib/fixFirst';
import { useDisplayNames } from '../../lib/useDisplayNames';
import { QUADRANTS, QuadrantId } from '../../lib/quadrant';

const LABELS: Record<ListFilter, string> = {
  owner: 'Owner',
  system: 'System',
  kind: 'Kind',
  lifecycle: 'Lifecycle',
  cluster: 'Cluster',
  grade: 'Grade',
  level: 'Level',
};

/** Free-typed owner and system values become full refs, like the options. */
const NORMALISE: Partial<Record<ListFilter, (v: string) => string>> = {
  owner: v => toFullRef(v, 'group'),
  system: v => toFullRef(v, 'system'),
  kind: v => v.trim().toLocaleLowerCase('en-US'),
};

function MultiText(props: {
  name: 'owner' | 'system' | 'kind' | 'lifecycle' | 'cluster';
  value: string[];
  options: string[];
  onChange: (values: string[]) => void;
}) {
  const { name, value, options, onChange } = props;
  const normalise = NORMALISE[name] ?? ((v: string) => v.trim());
  const isRef = name === 'owner' || name === 'system';
  // owners and systems are filtered by ref but shown by their catalog display names
  const displayName = useDisplayNames(isRef ? [...options, ...value] : []);
  const label = (v: string) => (isRef ? displayName(v) : v);
  return (
    <Autocomplete
      multiple
      freeSolo
      size="small"
      options={options}
      value={value}
      getOptionLabel={label}
      onChange={(_, values) => onChange([...new Set((values as string[]).map(normalise).filter(Boolean))])}
      renderTags={(values, getTagProps) =>
        values.map((v, i) => <Chip size="small" label={label(v)} title={v} {...getTagProps({ index: i })} key={v} />)
      }
      renderInput={params => (
        <TextField
          {...params}
          variant="outlined"
          label={LABELS[name]}
          placeholder={value.length ? undefined : 'Any'}
          inputProps={{ ...params.inputProps, 'aria-label': `Filter by ${name}` }}
        />
      )}
      style={{ minWidth: 200 }}
      data-testid={`posture-filter-${name}`}
    />
  );
}

function MultiSelect(props: {
  name: 'grade' | 'level';
  value: string[];
  options: readonly string[];
  onChange: (values: string[]) => void;
}) {
  const { name, value, options, onChange } = props;
  const id = `posture-filter-${name}-label`;
  const show = (o: string) => (name === 'level' && o === 'None' ? levelName(o) : o);
  return (
    <FormControl variant="outlined" size="small" style={{ minWidth: 130 }}>
      <InputLabel id={id}>{LABELS[name]}</InputLabel>
      <Select
        labelId={id}
        label={LABELS[name]}
        multiple
        value={value}
        onChange={e => onChange(e.target.value as string[])}
        renderValue={v => (v as string[]).map(show).join(', ')}
        data-testid={`posture-filter-${name}`}
      >
        {options.map(o => (
          <MenuItem key={o} value={o}>
            {show(o)}
          </MenuItem>
        ))}
      </Select>
    </FormControl>
  );
}

export interface OverviewFiltersProps {
  state: OverviewUrlState;
  options: FilterOptions;
  onFilter: (key: ListFilter, values: string[]) => void;
  onText: (q: string) => void;
  onClear: () => void;
  /** clears the quadrant picked on the chart */
  onQuadrant?: (quadrant: QuadrantId | undefined) => void;
}

export function OverviewFilters(props: OverviewFiltersProps) {
  const { state, options, onFilter, onText, onClear, onQuadrant } = props;
  // typing edits a local copy; the URL (and the request) follow once typing pauses
  const [text, setText] = useState(state.q);
  useEffect(() => setText(state.q), [state.q]);
  useDebounce(
    () => {
      if (text !== state.q) onText(text);
    },
    300,
    [text],
  );

  return (
    <Box display="flex" flexWrap="wrap" alignItems="center" style={{ gap: 12 }} mb={2} role="search" aria-label="Filter services">
      <TextField
        variant="outlined"
        size="small"
        id="posture-filter-q"
        label="Search"
        value={text}
        onChange={e => setText(e.target.value)}
        onKeyDown={e => {
          if (e.key === 'Enter') onText(text);
        }}
        inputProps={{ 'data-testid': 'posture-filter-q', 'aria-label': 'Search services' }}
      />
      {(['owner', 'system', 'kind', 'lifecycle', 'cluster'] as const).map(key => (
        <MultiText
          key={key}
          name={key}
          value={state.filters[key]}
          options={options[key]}
          onChange={v => onFilter(key, v)}
        />
      ))}
      <MultiSelect name="grade" value={state.filters.grade} options={GRADES} onChange={v => onFilter('grade', v)} />
      <MultiSelect name="level" value={state.filters.level} options={LEVELS} onChange={v => onFilter('level', v)} />
      {state.quadrant && (
        // picked on the chart, so shown here where the other filters are, and cleared like them
        <Chip
          label={`Quadrant: ${QUADRANTS[state.quadrant].label}`}
          aria-label={`Quadrant filter: ${QUADRANTS[state.quadrant].label}. Press Delete to clear it.`}
          color="primary"
          variant="outlined"
          onDelete={onQuadrant ? () => onQuadrant(undefined) : undefined}
          data-testid="posture-filter-quadrant"
        />
      )}
      {hasFilters(state) && (
        <Button size="small" onClick={onClear} data-testid="posture-filter-clear">
          Clear filters
        </Button>
      )}
    </Box>
  );
}
