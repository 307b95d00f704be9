import { useMemo, useState } from 'react';
import { Link, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Accordion from '@material-ui/core/Accordion';
import AccordionDetails from '@material-ui/core/AccordionDetails';
import AccordionSummary from '@material-ui/core/AccordionSummary';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import FormControl from '@material-ui/core/FormControl';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { CheckSummary, PILLARS, Pillar } from '@posture-dev/backstage-plugin-posture-common';
import { postureApiRef } from '../../api';
import { capitalize } from '../../lib/format';
import { usePostureTabLink } from '../../lib/links';
import { SeverityChip } from '../common/Badges';
import { RequestError } from '../common/RequestError';
import { ReferenceList, Remediation } from '../entity/CheckRow';

const SEVERITY_ORDER = { critical: 0, high: 1, medium: 2, low: 3 } as const;

function shortName(ref: string) {
  return ref.replace(/^[^:]+:default\//, '').replace(/^[^:]+:/, '');
}

function matchesText(c: CheckSummary, text: string): boolean {
  const needle = text.trim().toLocaleLowerCase('en-US');
  if (!needle) return true;
  return [c.id, c.title, c.category, c.rationale].some(s => s.toLocaleLowerCase('en-US').includes(needle));
}

function CheckEntry(props: { check: CheckSummary }) {
  const { check: c } = props;
  const tabLink = usePostureTabLink();
  return (
    <Accordion TransitionProps={{ unmountOnExit: true }} data-testid="posture-catalog-check" data-check-id={c.id}>
      <AccordionSummary expandIcon={<ExpandMoreIcon />}>
        <Box display="flex" alignItems="center" flexWrap="wrap" width="100%" style={{ gap: 8 }}>
          <Typography style={{ flexGrow: 1, fontWeight: 500 }}>{c.title}</Typography>
          <Chip size="small" label={`${capitalize(c.pillar)} · ${c.category}`} />
          <SeverityChip severity={c.severity} />
          {c.optIn && <Chip size="small" variant="outlined" label="opt-in" />}
          <Typography
            variant="body2"
            color={c.failingEntities > 0 ? 'error' : 'textSecondary'}
            data-testid="posture-catalog-failing"
          >
            {`${c.failingEntities} failing`}
          </Typography>
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
          <Box>
            <Typography variant="subtitle2">{`Failing services (${c.failingEntities})`}</Typography>
            {c.entityRefs.length === 0 ? (
              <Typography variant="body2">None.</Typography>
            ) : (
              <Typography variant="body2" component="div">
                {c.entityRefs.map((ref, i) => (
                  <span key={ref}>
                    {i > 0 && ', '}
                    <Link to={tabLink(ref)} data-testid="posture-catalog-failing-entity">
                      {shortName(ref)}
                    </Link>
                  </span>
                ))}
              </Typography>
            )}
          </Box>
        </Box>
      </AccordionDetails>
    </Accordion>
  );
}

/** /posture/checks: every check, why it matters, how to fix it, and who fails it. */
export function CheckCatalog() {
  const api = useApi(postureApiRef);
  const { value, loading, error, retry } = useAsyncRetry(() => api.listChecks(), [api]);
  const [text, setText] = useState('');
  const [pillar, setPillar] = useState<Pillar | ''>('');
  const checks = useMemo(
    () =>
      (value ?? [])
        .filter(c => (!pillar || c.pillar === pillar) && matchesText(c, text))
        .sort(
          (a, b) =>
            b.failingEntities - a.failingEntities ||
            SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
            a.title.localeCompare(b.title),
        ),
    [value, pillar, text],
  );

  if (loading) return <Progress />;
  if (error) return <RequestError error={error} retry={retry} what="the check catalog" />;
  return (
    <Box>
      <Box display="flex" flexWrap="wrap" alignItems="center" mb={2} style={{ gap: 12 }}>
        <TextField
          variant="outlined"
          size="small"
          id="posture-catalog-search"
          label="Search checks"
          value={text}
          onChange={e => setText(e.target.value)}
          inputProps={{ 'data-testid': 'posture-catalog-search' }}
        />
        <FormControl variant="outlined" size="small" style={{ minWidth: 160 }}>
          <InputLabel id="posture-catalog-pillar">Pillar</InputLabel>
          <Select
            labelId="posture-catalog-pillar"
            label="Pillar"
            value={pillar}
            onChange={e => setPillar(e.target.value as Pillar | '')}
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
        <Typography variant="body2" color="textSecondary">
          {`${checks.length} of ${value?.length ?? 0} checks`}
        </Typography>
      </Box>
      {checks.length === 0 && <Typography variant="body2">No checks match.</Typography>}
      {checks.map(c => (
        <CheckEntry key={c.id} check={c} />
      ))}
    </Box>
  );
}
