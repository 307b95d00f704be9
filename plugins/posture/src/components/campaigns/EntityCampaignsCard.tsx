import { InfoCard, Link } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { postureApiRef } from '../../api';
import { useCampaignLink } from './links';
import { describeDeadline, describeTarget } from './describe';

/**
 * The campaigns the current entity is part of, with its deadline and what still blocks it.
 * Self-contained (reads the entity from context and fetches on its own); renders nothing when the
 * entity is in no campaign, or when the campaigns cannot be read, so it never gets in the way.
 * With `gridItem` it wraps itself in a full-width Grid item, so a Grid container can hold it.
 */
export function EntityCampaignsCard(props: { gridItem?: boolean } = {}) {
  const { entity } = useEntity();
  const api = useApi(postureApiRef);
  const campaignLink = useCampaignLink();
  const kind = entity.kind;
  const namespace = entity.metadata.namespace ?? 'default';
  const name = entity.metadata.name;
  const { value } = useAsync(
    async () => (api.getEntityCampaigns ? api.getEntityCampaigns({ kind, namespace, name }) : []),
    [api, kind, namespace, name],
  );
  if (!value || value.length === 0) return null;
  const card = (
    <InfoCard title="Campaigns" subheader="Targets the platform team set, with their deadlines">
      <Box display="flex" flexDirection="column" style={{ gap: 12 }} data-testid="posture-entity-campaigns">
        {value.map(c => (
          <Box key={c.id} data-testid="posture-entity-campaign" data-campaign-id={c.id} data-met={c.met}>
            <Box display="flex" alignItems="center" flexWrap="wrap" style={{ gap: 8 }}>
              <Link to={campaignLink(c.id)}>{c.title}</Link>
              <Chip
                size="small"
                label={c.met ? 'meets the target' : 'short of the target'}
                style={{ background: c.met ? '#2e7d32' : '#c62828', color: '#fff' }}
              />
            </Box>
            <Typography variant="body2" color="textSecondary">
              {`${describeTarget(c.target)} · due ${describeDeadline(c.deadline, c.daysLeft)}`}
            </Typography>
            {!c.met && c.blockingChecks.length > 0 && (
              <Typography variant="body2">
                {`To fix: ${c.blockingChecks.slice(0, 5).map(b => b.title).join(', ')}${c.blockingChecks.length > 5 ? ` and ${c.blockingChecks.length - 5} more` : ''}`}
              </Typography>
            )}
          </Box>
        ))}
      </Box>
    </InfoCard>
  );
  // inside a Grid container, the item exists only when there is something to show
  return props.gridItem ? (
    <Grid item xs={12}>
      {card}
    </Grid>
  ) : (
    card
  );
}
