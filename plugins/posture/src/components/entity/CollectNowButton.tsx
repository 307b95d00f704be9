import { useEffect, useRef, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import { EntityScorecard, postureRefreshPermission } from '@posture-dev/backstage-plugin-posture-common';
import { postureApiRef } from '../../api';
import { serverMessage } from '../../lib/errors';
import { levelName } from '../../lib/fixFirst';

type EntityRefParts = { kind: string; namespace: string; name: string };

function latestCollection(s: EntityScorecard | undefined): number {
  let latest = 0;
  for (const c of s?.clusters ?? []) {
    const t = Date.parse(c.collectedAt);
    if (!Number.isNaN(t) && t > latest) latest = t;
  }
  return latest;
}

function summary(s: EntityScorecard | undefined): string {
  const c = s?.combined;
  return c ? `grade ${c.grades.overall ?? '–'}, ${levelName(c.level)}` : 'no score';
}

type State =
  | { phase: 'idle' }
  | { phase: 'running'; startedAt: number }
  | { phase: 'done'; text: string }
  | { phase: 'failed'; text: string };

/**
 * "Collect now", for users allowed `posture.refresh`: triggers a collection
 * (POST /refresh answers at once), then polls this entity's scorecard until a
 * collection newer than the one shown has been stored, and says what changed.
 */
export function CollectNowButton(props: {
  entityRef: EntityRefParts;
  current: EntityScorecard;
  onCollected: () => void;
  /** how often to look and for how long; shortened by tests */
  pollMs?: number;
  timeoutMs?: number;
}) {
  const { entityRef, current, onCollected, pollMs = 3000, timeoutMs = 180_000 } = props;
  const api = useApi(postureApiRef);
  const { allowed, loading } = usePermission({ permission: postureRefreshPermission });
  const [state, setState] = useState<State>({ phase: 'idle' });
  const alive = useRef(true);
  useEffect(
    () => () => {
      alive.current = false;
    },
    [],
  );

  if (loading || !allowed) return null;

  const run = async () => {
    const before = latestCollection(current);
    const startedAt = Date.now();
    setState({ phase: 'running', startedAt });
    try {
      await api.refresh();
      while (alive.current && Date.now() - startedAt < timeoutMs) {
        await new Promise(resolve => setTimeout(resolve, pollMs));
        if (!alive.current) return;
        const next = await api.getEntityScorecard(entityRef);
        if (latestCollection(next) > before) {
          const was = summary(current);
          const now = summary(next);
          setState({
            phase: 'done',
            text: was === now ? `Collected: unchanged (${now}).` : `Collected: now ${now} (was ${was}).`,
          });
          onCollected();
          return;
        }
      }
      if (alive.current) setState({ phase: 'failed', text: 'No new collection was stored yet; the clusters card shows each cluster’s last attempt.' });
    } catch (e) {
      if (alive.current) setState({ phase: 'failed', text: `Collection could not be started: ${serverMessage(e)}` });
    }
  };

  return (
    <Box data-testid="posture-collect-now" display="flex" flexDirection="column" style={{ gap: 4 }}>
      <Button
        variant="outlined"
        color="primary"
        size="small"
        onClick={run}
        disabled={state.phase === 'running'}
      >
        Collect now
      </Button>
      {state.phase === 'running' && (
        <Box role="status" aria-live="polite">
          <LinearProgress />
          <Typography variant="caption">Collecting from every cluster…</Typography>
        </Box>
      )}
      {(state.phase === 'done' || state.phase === 'failed') && (
        <Typography
          variant="caption"
          role="status"
          color={state.phase === 'failed' ? 'error' : 'textPrimary'}
          data-testid="posture-collect-result"
        >
          {state.text}
        </Typography>
      )}
    </Box>
  );
}
