import { useRouteRef } from '@backstage/core-plugin-api';
import { campaignRouteRef } from '../../routes';

/** Where the Posture page is mounted by default (both frontend systems' demo apps use it). */
export const DEFAULT_CAMPAIGNS_PATH = '/posture/campaigns';

/**
 * Link to a campaign's page. The legacy app resolves the plugin's route ref; the new frontend
 * system registers its own page route ref, where the legacy one resolves to nothing and the page's
 * default path is used instead.
 */
export function useCampaignLink(): (id: string) => string {
  let resolve: ((params: { id: string }) => string) | undefined;
  try {
    resolve = useRouteRef(campaignRouteRef);
  } catch {
    resolve = undefined;
  }
  return id => (resolve ? resolve({ id }) : `${DEFAULT_CAMPAIGNS_PATH}/${encodeURIComponent(id)}`);
}
