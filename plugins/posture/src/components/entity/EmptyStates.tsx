import { CodeSnippet, EmptyState } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { EntityMatch } from '@posture-dev/backstage-plugin-posture-common';

export const KUBERNETES_ID_ANNOTATION = 'backstage.io/kubernetes-id';
export const KUBERNETES_SELECTOR_ANNOTATION = 'backstage.io/kubernetes-label-selector';

export function NoAnnotations(props: { name: string }) {
  const example = `metadata:
  annotations:
    ${KUBERNETES_ID_ANNOTATION}: ${props.name}`;
  const workload = `# on each Deployment, StatefulSet, ... (or on its pod template)
metadata:
  labels:
    ${KUBERNETES_ID_ANNOTATION}: ${props.name}`;
  return (
    <div data-testid="posture-no-annotations">
      <EmptyState
        missing="field"
        title="Posture does not know which workloads belong to this entity"
        description={`Add the ${KUBERNETES_ID_ANNOTATION} annotation to this entity (or ${KUBERNETES_SELECTOR_ANNOTATION} with a label selector), and label its workloads to match. Scores appear after the next collection.`}
        action={
          <Box maxWidth={560}>
            <Typography variant="subtitle2">catalog-info.yaml</Typography>
            <CodeSnippet text={example} language="yaml" showCopyCodeButton />
            <Typography variant="subtitle2" style={{ marginTop: 8 }}>
              Kubernetes workloads
            </Typography>
            <CodeSnippet text={workload} language="yaml" showCopyCodeButton />
          </Box>
        }
      />
    </div>
  );
}

/** Says exactly what was searched, so the owner can see why nothing matched. */
export function NoWorkloads(props: { match: EntityMatch }) {
  const { match } = props;
  const selector = match.labelSelector
    ? `label selector "${match.labelSelector}"`
    : `label ${KUBERNETES_ID_ANNOTATION}=${match.kubernetesId ?? ''}`;
  const where = match.namespace ? `namespace ${match.namespace}` : 'all namespaces';
  const clusters = match.clusters.length ? match.clusters.join(', ') : 'no clusters';
  return (
    <div data-testid="posture-no-workloads">
      <EmptyState
        missing="data"
        title="No workloads found"
        description={`Posture searched for workloads with the ${selector} in ${where} of these clusters: ${clusters}. None matched. Check that the workloads carry that label, or set backstage.io/kubernetes-cluster / backstage.io/kubernetes-namespace on the entity to point at the right place.`}
      />
    </div>
  );
}

export function NotCollectedYet() {
  return (
    <div data-testid="posture-not-collected">
      <EmptyState
        missing="data"
        title="Not collected yet"
        description="Posture has no scorecard for this entity yet. It is created by the next collection from the clusters, usually within a few minutes of the entity appearing in the catalog."
      />
    </div>
  );
}
