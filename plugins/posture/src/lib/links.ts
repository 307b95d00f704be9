import { useCallback } from 'react';
import { useEntityRefLink } from '@backstage/plugin-catalog-react';

export const POSTURE_TAB_PATH = 'posture';

/** Link to an entity's Posture tab, wherever the app mounts the catalog's entity pages. */
export function usePostureTabLink(): (entityRef: string) => string {
  const entityLink = useEntityRefLink();
  return useCallback(
    (entityRef: string) => `${entityLink(entityRef).replace(/\/$/, '')}/${POSTURE_TAB_PATH}`,
    [entityLink],
  );
}
