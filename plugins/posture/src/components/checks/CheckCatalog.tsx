import { useCallback, useMemo } from 'react';
import { Link, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Accordion from '@material-ui/core/Accordion';
import AccordionDetails from '@material-ui/core/AccordionDetails';
import AccordionSummary from '@material-ui/core/AccordionSummary';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import FormControl from '@material-ui/core/FormControl';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import Switch from '@material-ui/core/Switch';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import { useSearchParams } from 'react-router-dom';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  CheckOwnerFailures,
  CheckSummary,
  DEFAULT_WEIGHTS,
  PILLARS,
  Pillar,
  SEVERITIES,
} from '@posture-dev/backstage-plugin-posture-common';
import { postureApiRef } from '../../api';
import {
  CatalogUrlState,
  filterChecks,
  hasCatalogFilters,
  parseCatalogParams,
  sortByUrgency,
  writeCatalogParams,
} from '../../lib/catalogQuery';
import { capitalize } from '../../lib/format';
import { SeveritySelect } from '../common/SeveritySelect';
import { usePostureTabLink } from '../../lib/links';
import { shortRef, useDisplayNames } from '../../lib/useDisplayNames';
import { SeverityChip } from '../common/Badges';
import { RequestError } from '../common/RequestError';
import { ReferenceList, Remediation } from '../entity/CheckRow';

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/** "Fails in 7 of 8 scored services": the count means little without what it is out of. */
export function failureText(c: Pick<CheckSummary, 'failingEntities' | 'scoredEntities'>): string {
  const { failingEntities: failing, scoredEntities: scored } = c;
  if (scored === undefined) return `${failing} failing`;
  if (scored === 0) return 'No scored services yet';
  if (failing === 0) return `Passes in all ${plural(scored, 'scored service')}`;
  return `Fails in ${failing} of ${plural(scored, 'scored service')}`;
}

/** The failing services per owning team; an older backend sends only the refs, listed as they are. */
function FailingByTeam(props: { check: CheckSummary; teamName: (ref: string) => string }) {
  const { check: c, teamName } = props;
  const tabLink = usePostureTabLink();
  const services = (refs: string[], total: number) => (
    <>
      {refs.map((ref, i) => (
        <span key={ref}>
          {i > 0 && ', '}
          <Link to={tabLink(ref)} data-testid="posture-catalog-failing-entity">
            {shortRef(ref)}
          </Link>
        </span>
      ))}
      {total > refs.length && ` and ${total - refs.length} more`}
    </>
  );
  if (c.failingEntities === 0) return <Typography variant="body2">None.</Typography>;
  if (!c.failingByOwner) {
    return (
      <Typography variant="body2" component="div">
        {services(c.entityRefs, c.failingEntities)}
      </Typography>
    );
  }
  return (
    <Box component="ul" m={0} pl={2}>
      {c.failingByOwner.map((g: CheckOwnerFailures) => (
        <Typography
          variant="body2"
          component="li"
          key={g.owner ?? ''}
          data-testid="posture-catalog-team"
          data-owner={g.owner ?? ''}
        >
          <strong>{g.owner ? teamName(g.owner) : 'No owner'}</strong>
          {` (${g.failing}): `}
          {services(g.entityRefs, g.failing)}
        </Typography>
      ))}
    </Box>
  );
}

function CheckEntry(props: {
  check: CheckSummary;
  expanded: boolean;
  onToggle: (id: string) => void;
  teamName: (ref: string) => string;
}) {
  const { check: c, expanded, onToggle, teamName } = props;
  const share = c.scoredEntities ? c.failingEntities / c.scoredEntities : 0;
  return (
    <Accordion
      expanded={expanded}
      onChange={() => onToggle(c.id)}
      TransitionProps={{ unmountOnExit: true }}
      data-testid="posture-catalog-check"
      data-check-id={c.id}
      data-severity={c.severity}
      data-failing={c.failingEntities}
    >
      <AccordionSummary expandIcon={<ExpandMoreIcon />}>
        <Box display="flex" alignItems="center" flexWrap="wrap" width="100%" style={{ gap: 8 }}>
          <Typography style={{ flexGrow: 1, fontWeight: 500 }}>{c.title}</Typography>
          <Chip size="small" label={`${capitalize(c.pillar)} · ${c.category}`} />
          <SeverityChip severity={c.severity} />
          {c.optIn && <Chip size="small" variant="outlined" label="opt-in" />}
          <Box display="flex" alignItems="center" style={{ gap: 6, minWidth: 220 }} justifyContent="flex-end">
            {c.scoredEntities !== undefined && c.scoredEntities > 0 && (
              // the same share as the text beside it, for scanning down the list
              <Box
                aria-hidden
                width={48}
                height={6}
                borderRadius={3}
                bgcolor="action.hover"
                overflow="hidden"
                flexShrink={0}
              >
                <Box height="100%" width={`${Math.round(share * 100)}%`} bgcolor="error.main" />
              </Box>
            )}
            <Typography
              variant="body2"
              color={c.failingEntities > 0 ? 'error' : 'textSecondary'}
              data-testid="posture-catalog-failing"
            >
              {failureText(c)}
            </Typography>
          </Box>
        </Box>
      </AccordionSummary>
      <AccordionDetails>
        <Box display="flex" flexDirection="column" style={{ gap: 12 }} width="100%">
          <Typography variant="caption" color="textSecondary">
            {c.id}
            {c.pssLevel ? ` · Pod Security Standard: ${c.pssLevel}` : ''}
          </Typography>
          <Box>
            <Typography variant="subtitle2">Why it matters</Typography>
            <Typography variant="body2">{c.rationale}</Typography>
          </Box>
          <Remediation text={c.remediation.text} patch={c.remediation.patch} />
          {c.defaults && (
            <Typography variant="caption" color="textSecondary">
              {`Defaults: ${c.defaults}`}
            </Typography>
          )}
          <ReferenceList references={c.references} />
          <Box data-testid="posture-catalog-failing-services">
            <Typography variant="subtitle2">
              {c.failingByOwner
                ? `Failing services by team (${c.failingEntities})`
                : `Failing services (${c.failingEntities})`}
            </Typography>
            <FailingByTeam check={c} teamName={teamName} />
          </Box>
        </Box>
      </AccordionDetails>
    </Accordion>
  );
}

function CatalogFilters(props: {
  state: CatalogUrlState;
  onChange: (change: Partial<CatalogUrlState>, options?: { replace?: boolean }) => void;
  onClear: () => void;
}) {
  const { state, onChange, onClear } = props;
  return (
    <Box display="flex" flexWrap="wrap" alignItems="center" style={{ gap: 12 }} role="search" aria-label="Filter checks">
      <TextField
        variant="outlined"
        size="small"
        id="posture-catalog-search"
        label="Search checks"
        value={state.q}
        // each keystroke replaces the history entry rather than adding one
        onChange={e => onChange({ q: e.target.value }, { replace: true })}
        inputProps={{ 'data-testid': 'posture-catalog-search' }}
      />
      <FormControl variant="outlined" size="small" style={{ minWidth: 160 }}>
        <InputLabel id="posture-catalog-pillar">Pillar</InputLabel>
        <Select
          labelId="posture-catalog-pillar"
          label="Pillar"
          value={state.pillar ?? ''}
          onChange={e => onChange({ pillar: (e.target.value as Pillar | '') || undefined })}
          data-testid="posture-catalog-pillar"
        >
          <MenuItem value="">Both pillars</MenuItem>
          {PILLARS.map(p => (
            <MenuItem key={p} value={p}>
              {capitalize(p)}
            </MenuItem>
          ))}
        </Select>
      </FormControl>
      <SeveritySelect
        id="posture-catalog-severity"
        variant="outlined"
        minWidth={160}
        value={state.severity}
        onChange={severity => onChange({ severity })}
        testId="posture-catalog-severity"
      />
      <FormControlLabel
        control={
          <Switch
            checked={state.failingOnly}
            onChange={e => onChange({ failingOnly: e.target.checked })}
            inputProps={{ 'aria-label': 'Only checks that services fail' }}
            data-testid="posture-catalog-failing-only"
          />
        }
        label="Only failing"
      />
      {hasCatalogFilters(state) && (
        <Button size="small" onClick={onClear} data-testid="posture-catalog-clear">
          Clear filters
        </Button>
      )}
    </Box>
  );
}

const WEIGHTS_TEXT = SEVERITIES.map(s => `${s} ${DEFAULT_WEIGHTS[s]}`).join(', ');

/** /posture/checks: every check, most urgent first, why it matters, how to fix it, and which teams fail it. */
export function CheckCatalog() {
  const api = useApi(postureApiRef);
  const { value, loading, error, retry } = useAsyncRetry(() => api.listChecks(), [api]);
  const [params, setParams] = useSearchParams();
  const state = useMemo(() => parseCatalogParams(params), [params]);
  const update = useCallback(
    (change: Partial<CatalogUrlState>, options?: { replace?: boolean }) =>
      setParams(prev => writeCatalogParams({ ...parseCatalogParams(prev), ...change }), options),
    [setParams],
  );
  const onToggle = useCallback(
    (id: string) =>
      setParams(
        prev => {
          const s = parseCatalogParams(prev);
          return writeCatalogParams({ ...s, open: s.open.includes(id) ? s.open.filter(o => o !== id) : [...s.open, id] });
        },
        // opening and closing is not a view worth a back-button step of its own
        { replace: true },
      ),
    [setParams],
  );
  const checks = useMemo(() => sortByUrgency(filterChecks(value ?? [], state)), [value, state]);
  const owners = useMemo(
    () => (value ?? []).flatMap(c => (c.failingByOwner ?? []).map(g => g.owner)),
    [value],
  );
  const teamName = useDisplayNames(owners);

  if (loading) return <Progress />;
  if (error) return <RequestError error={error} retry={retry} what="the check catalog" />;
  return (
    <Box>
      <CatalogFilters
        state={state}
        onChange={update}
        onClear={() => update({ q: '', pillar: undefined, severity: [], failingOnly: false })}
      />
      <Box display="flex" flexWrap="wrap" alignItems="baseline" my={2} style={{ gap: 12 }}>
        <Typography variant="body2" data-testid="posture-catalog-count">
          {`${checks.length} of ${plural(value?.length ?? 0, 'check')}`}
        </Typography>
        <Typography variant="caption" color="textSecondary" data-testid="posture-catalog-order">
          {`Most urgent first: the severity's weight in the score (${WEIGHTS_TEXT}) times the services failing the check.`}
        </Typography>
      </Box>
      {checks.length === 0 && <Typography variant="body2">No checks match.</Typography>}
      {checks.map(c => (
        <CheckEntry
          key={c.id}
          check={c}
          expanded={state.open.includes(c.id)}
          onToggle={onToggle}
          teamName={teamName}
        />
      ))}
    </Box>
  );
}
