import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { GOLDEN_PATH_TAG, GoldenPathTemplate, toGoldenPath } from './guarantees';

/** Templates tagged golden-path, with the guarantees their annotation declares. */
export function useGoldenPaths() {
  const catalogApi = useApi(catalogApiRef);
  return useAsyncRetry(async (): Promise<GoldenPathTemplate[]> => {
    const { items } = await catalogApi.getEntities({
      filter: { kind: 'template', 'metadata.tags': GOLDEN_PATH_TAG },
    });
    return items.map(toGoldenPath).sort((a, b) => a.title.localeCompare(b.title));
  }, [catalogApi]);
}
