import { useMemo, useState } from 'react';
import { InfoCard } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import FormControl from '@material-ui/core/FormControl';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import Switch from '@material-ui/core/Switch';
import Typography from '@material-ui/core/Typography';
import {
  CheckMetadata,
  CheckResult,
  Severity,
} from '@posture-dev/backstage-plugin-posture-common';
import { filterResults, groupResults } from '../../lib/checks';
import { capitalize } from '../../lib/format';
import { SeveritySelect } from '../common/SeveritySelect';
import { CheckRow } from './CheckRow';

export interface ChecksSectionProps {
  results: CheckResult[];
  metaById: ReadonlyMap<string, CheckMetadata>;
  clusters: string[];
  /** set when the check catalog could not be loaded; results are still shown, by id */
  metaError?: Error;
}

export function ChecksSection(props: ChecksSectionProps) {
  const { results, metaById, clusters, metaError } = props;
  const [failingOnly, setFailingOnly] = useState(false);
  const [severities, setSeverities] = useState<Severity[]>([]);
  const [cluster, setCluster] = useState<string>('');

  const sections = useMemo(
    () => groupResults(filterResults(results, { failingOnly, severities, cluster: cluster || undefined }), metaById),
    [results, metaById, failingOnly, severities, cluster],
  );
  const failingTotal = results.filter(r => r.status === 'fail').length;

  return (
    <div data-testid="posture-all-checks">
    <InfoCard title="All checks" subheader={`${failingTotal} failing result${failingTotal === 1 ? '' : 's'} of ${results.length}`}>
      <Box display="flex" flexWrap="wrap" alignItems="center" mb={2} style={{ gap: 16 }}>
        <FormControlLabel
          control={
            <Switch
              checked={failingOnly}
              onChange={e => setFailingOnly(e.target.checked)}
              color="primary"
              data-testid="posture-filter-failing"
            />
          }
          label="Failing only"
        />
        <SeveritySelect
          id="posture-severity-label"
          value={severities}
          onChange={setSeverities}
          testId="posture-filter-severity"
        />
        {clusters.length > 1 && (
          <FormControl style={{ minWidth: 180 }} size="small">
            <InputLabel id="posture-cluster-label">Cluster</InputLabel>
            <Select
              labelId="posture-cluster-label"
              value={cluster}
              onChange={e => setCluster(e.target.value as string)}
              data-testid="posture-filter-cluster"
            >
              <MenuItem value="">All clusters</MenuItem>
              {clusters.map(c => (
                <MenuItem key={c} value={c}>
                  {c}
                </MenuItem>
              ))}
            </Select>
          </FormControl>
        )}
      </Box>
      {metaError && (
        <Typography variant="body2" color="error" paragraph>
          {`Check descriptions could not be loaded (${metaError.message}); checks are listed by id.`}
        </Typography>
      )}
      {sections.length === 0 && (
        <Typography variant="body2" data-testid="posture-no-checks">
          {results.length === 0 ? 'No check results recorded.' : 'No checks match these filters.'}
        </Typography>
      )}
      {sections.map(section => (
        <Box key={section.pillar} mb={3} component="section" aria-label={`${capitalize(section.pillar)} checks`}>
          <Typography variant="h6">
            {`${capitalize(section.pillar)}${section.failing ? ` · ${section.failing} failing` : ''}`}
          </Typography>
          {section.categories.map(cat => (
            <Box key={cat.category} mt={1} mb={2}>
              <Typography variant="overline" component="h4">
                {cat.category}
              </Typography>
              {cat.checks.map(g => (
                <CheckRow key={g.checkId} group={g} />
              ))}
            </Box>
          ))}
        </Box>
      ))}
    </InfoCard>
    </div>
  );
}
