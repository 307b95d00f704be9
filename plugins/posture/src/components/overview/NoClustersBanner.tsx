import { WarningPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { postureApiRef } from '../../api';

/**
 * Says plainly that no cluster is configured. Without it a freshly installed Posture shows an empty overview,
 * which reads as "still collecting". Renders nothing while loading, on error (an older backend without
 * GET /setup) or when at least one cluster is configured. Returns a grid item for the overview's grid.
 */
export function NoClustersBanner() {
  const api = useApi(postureApiRef);
  const { value } = useAsync(() => api.getSetup(), [api]);
  if (!value || value.clustersConfigured > 0) return null;
  return (
    <Grid item xs={12}>
      <WarningPanel severity="info" title="No cluster is configured, so nothing is scored yet" defaultExpanded>
      <Typography variant="body2">
        Add a <code>posture.clusters</code> entry to <code>app-config.yaml</code>: <code>type: kubernetes</code> for a
        live cluster (read with a read-only service account), or <code>type: manifests</code> for a directory of
        YAML such as a GitOps checkout. Clusters declared under <code>kubernetes.clusterLocatorMethods</code> are
        collected too. The README of <code>@posture-dev/backstage-plugin-posture-backend</code> has the exact
        configuration.
      </Typography>
      </WarningPanel>
    </Grid>
  );
}
