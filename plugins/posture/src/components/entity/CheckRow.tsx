import { createContext, useContext } from 'react';
import { CodeSnippet, Link } from '@backstage/core-components';
import Accordion from '@material-ui/core/Accordion';
import AccordionDetails from '@material-ui/core/AccordionDetails';
import AccordionSummary from '@material-ui/core/AccordionSummary';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import {
  CheckReferences,
  CheckResult,
  Evidence,
  ExemptionInfo,
} from '@posture-dev/backstage-plugin-posture-common';
import {
  CheckGroup,
  REFERENCE_LABELS,
  affectedContainers,
  affectedWorkloads,
  objectLabel,
} from '../../lib/checks';
import { formatDate } from '../../lib/format';
import { fillPatches } from '../../lib/patches';
import { referenceUrl, sourceFileUrl } from '../../lib/references';
import { CheckStatusLabel, SeverityChip } from '../common/Badges';

const useStyles = makeStyles(theme => ({
  summary: { display: 'flex', alignItems: 'center', flexWrap: 'wrap', gap: theme.spacing(1), width: '100%' },
  title: { flexGrow: 1, fontWeight: 500 },
  status: { minWidth: 120 },
  path: {
    fontFamily: 'monospace',
    fontSize: '0.85rem',
    background: theme.palette.type === 'dark' ? '#333' : '#f5f5f5',
    padding: '1px 4px',
    borderRadius: 3,
    wordBreak: 'break-all',
  },
  details: { display: 'flex', flexDirection: 'column', gap: theme.spacing(2), width: '100%' },
  result: { borderLeft: `3px solid ${theme.palette.divider}`, paddingLeft: theme.spacing(1.5) },
  expired: { borderColor: theme.palette.error.main, color: theme.palette.error.main },
}));

/** The entity's `backstage.io/source-location`, so that manifest files become links into its repository. */
export const SourceLocationContext = createContext<string | undefined>(undefined);

function EvidenceItem(props: { evidence: Evidence }) {
  const classes = useStyles();
  const { evidence: e } = props;
  return (
    <li>
      <code className={classes.path} data-testid="posture-evidence-path">
        {e.path}
      </code>
      {e.value !== undefined && (
        <>
          {' = '}
          <code className={classes.path}>{e.value}</code>
        </>
      )}
      {e.container && <Typography variant="caption">{` container ${e.container}`}</Typography>}
      {e.object && <Typography variant="caption">{` in ${objectLabel(e.object)}`}</Typography>}
      {e.detail && (
        <Typography variant="body2" color="textSecondary">
          {e.detail}
        </Typography>
      )}
    </li>
  );
}

export function ExemptionNote(props: { exemption: ExemptionInfo }) {
  const classes = useStyles();
  const { exemption: x } = props;
  return (
    <Box data-testid="posture-exemption" data-expired={x.expired ? 'true' : 'false'}>
      <Chip
        size="small"
        variant="outlined"
        className={x.expired ? classes.expired : undefined}
        label={x.expired ? `Exemption expired ${formatDate(x.until)}` : `Exempt${x.until ? ` until ${formatDate(x.until)}` : ''}`}
      />
      <Typography variant="body2" component="span">
        {` ${x.reason} `}
      </Typography>
      <Typography variant="caption" color="textSecondary">
        {`(from ${x.source === 'annotation' ? 'a workload annotation' : 'configuration'})`}
        {x.expired && ' — the exemption no longer applies, so this failure counts against the score.'}
      </Typography>
    </Box>
  );
}

function ResultItem(props: { result: CheckResult }) {
  const classes = useStyles();
  const { result: r } = props;
  const fileUrl = sourceFileUrl(useContext(SourceLocationContext), r.file);
  const fileText = r.file ? `${r.file}${r.documentIndex !== undefined ? ` #${r.documentIndex}` : ''}` : undefined;
  return (
    <Box className={classes.result} data-testid="posture-check-result" data-status={r.status}>
      <Box display="flex" alignItems="center" flexWrap="wrap" style={{ gap: 8 }}>
        <CheckStatusLabel status={r.status} />
        <Typography variant="body2" style={{ fontWeight: 500 }}>
          {objectLabel(r.subject)}
        </Typography>
        {r.cluster && <Chip size="small" label={`cluster ${r.cluster}`} />}
        {fileText && fileUrl && (
          <Link to={fileUrl} data-testid="posture-source-file">
            <Typography variant="caption">{fileText}</Typography>
          </Link>
        )}
        {fileText && !fileUrl && (
          <Typography variant="caption" color="textSecondary">
            {fileText}
          </Typography>
        )}
      </Box>
      <Typography variant="body2">{r.message}</Typography>
      {r.evidence.length > 0 && (
        <ul style={{ margin: '4px 0', paddingLeft: 20 }}>
          {r.evidence.map((e, i) => (
            <EvidenceItem key={`${e.path}-${i}`} evidence={e} />
          ))}
        </ul>
      )}
      {r.exemption && <ExemptionNote exemption={r.exemption} />}
    </Box>
  );
}

export function ReferenceList(props: { references?: CheckReferences }) {
  const entries = Object.entries(props.references ?? {}).filter(
    (e): e is [string, string[]] => Array.isArray(e[1]) && e[1].length > 0,
  );
  if (entries.length === 0) return null;
  return (
    <Box display="flex" flexWrap="wrap" style={{ gap: 4 }} data-testid="posture-references">
      {entries.flatMap(([key, ids]) =>
        ids.map(id => {
          const label = `${REFERENCE_LABELS[key] ?? key} ${id}`;
          const url = referenceUrl(key, id);
          return url ? (
            <Chip
              key={`${key}-${id}`}
              size="small"
              variant="outlined"
              clickable
              component="a"
              href={url}
              target="_blank"
              rel="noopener noreferrer"
              label={label}
              aria-label={`${label} (upstream documentation)`}
              data-testid="posture-reference-link"
            />
          ) : (
            <Chip key={`${key}-${id}`} size="small" variant="outlined" label={label} />
          );
        }),
      )}
    </Box>
  );
}

export function Remediation(props: { text?: string; patch?: string; results?: CheckResult[] }) {
  const { text, patch, results = [] } = props;
  if (!text && !patch) return null;
  // the patch with the failing workloads' own names; the generic one when no failing result names them
  const filled = patch ? fillPatches(patch, results) : [];
  return (
    <Box>
      <Typography variant="subtitle2">How to fix</Typography>
      {text && <Typography variant="body2">{text}</Typography>}
      {patch && filled.length === 0 && (
        <Box mt={1} data-testid="posture-remediation-patch">
          <CodeSnippet text={patch} language="yaml" showCopyCodeButton />
        </Box>
      )}
      {filled.map(f => (
        <Box mt={1} key={f.label} data-testid="posture-remediation-patch" data-for={f.label}>
          <Typography variant="caption" color="textSecondary">{`For ${f.label}`}</Typography>
          <CodeSnippet text={f.patch} language="yaml" showCopyCodeButton />
        </Box>
      ))}
    </Box>
  );
}

/** One check with all of its results for this entity; details mount only when opened, to keep long lists light. */
export function CheckRow(props: { group: CheckGroup; showPillar?: boolean }) {
  const classes = useStyles();
  const { group: g, showPillar } = props;
  const workloads = affectedWorkloads(g.results.filter(r => r.status === 'fail' || r.status === 'exempt'));
  const containers = affectedContainers(g.results.filter(r => r.status === 'fail'));
  return (
    <Accordion
      TransitionProps={{ unmountOnExit: true }}
      data-testid="posture-check-row"
      data-check-id={g.checkId}
      data-status={g.status}
    >
      <AccordionSummary expandIcon={<ExpandMoreIcon />} aria-label={`${g.title}: ${g.status}`}>
        <div className={classes.summary}>
          <span className={classes.status}>
            <CheckStatusLabel status={g.status} />
          </span>
          <Typography className={classes.title}>{g.title}</Typography>
          <SeverityChip severity={g.severity} />
          {showPillar && <Chip size="small" label={g.pillar === 'security' ? 'Security' : 'Scalability'} />}
          {g.failing > 0 && (
            <Typography variant="caption" color="textSecondary">
              {`${workloads.length} workload${workloads.length === 1 ? '' : 's'} affected`}
            </Typography>
          )}
          {g.hasExpiredExemption && (
            <Chip size="small" variant="outlined" className={classes.expired} label="Exemption expired" />
          )}
        </div>
      </AccordionSummary>
      <AccordionDetails>
        <div className={classes.details}>
          <Typography variant="caption" color="textSecondary">
            {g.checkId}
          </Typography>
          {g.meta?.rationale && <Typography variant="body2">{g.meta.rationale}</Typography>}
          {workloads.length > 0 && (
            <Box data-testid="posture-affected">
              <Typography variant="subtitle2">Affected</Typography>
              <Typography variant="body2">
                {`Workloads: ${workloads.map(w => (w.cluster ? `${w.label} (${w.cluster})` : w.label)).join(', ')}`}
              </Typography>
              {containers.length > 0 && (
                <Typography variant="body2">{`Containers: ${containers.join(', ')}`}</Typography>
              )}
            </Box>
          )}
          <Box display="flex" flexDirection="column" style={{ gap: 8 }}>
            {g.results.map((r, i) => (
              <ResultItem key={`${r.cluster ?? ''}-${objectLabel(r.subject)}-${i}`} result={r} />
            ))}
          </Box>
          {g.status !== 'pass' && g.status !== 'not-applicable' && (
            <Remediation text={g.meta?.remediation.text} patch={g.meta?.remediation.patch} results={g.results} />
          )}
          {g.meta?.defaults && (
            <Typography variant="caption" color="textSecondary">
              {`Defaults: ${g.meta.defaults}`}
            </Typography>
          )}
          <ReferenceList references={g.meta?.references} />
        </div>
      </AccordionDetails>
    </Accordion>
  );
}
