import { EmptyState, ResponseErrorPanel } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import { isForbidden } from '../../lib/errors';

export function PermissionDenied(props: { what: string }) {
  return (
    <div data-testid="posture-permission-denied">
      <EmptyState
        missing="info"
        title="No permission"
        description={`You do not have permission to view ${props.what}. Ask your Backstage administrator for the posture.scorecard.read permission on it.`}
      />
    </div>
  );
}

/**
 * A failed request: a 403 explains itself as a permission problem (retrying
 * will not help), anything else shows the error and offers a retry.
 */
export function RequestError(props: { error: Error; retry?: () => void; what: string }) {
  const { error, retry, what } = props;
  if (isForbidden(error)) return <PermissionDenied what={what} />;
  return (
    <Box data-testid="posture-error" role="alert">
      <ResponseErrorPanel error={error} title={`Could not load ${what}`} />
      {retry && (
        <Box mt={1}>
          <Button variant="outlined" color="primary" onClick={retry} data-testid="posture-retry">
            Retry
          </Button>
        </Box>
      )}
    </Box>
  );
}
