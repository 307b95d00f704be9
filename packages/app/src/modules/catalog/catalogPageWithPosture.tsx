import { coreExtensionData } from '@backstage/frontend-plugin-api';
import { CatalogIndexPage } from '@backstage/plugin-catalog';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import { postureCatalogColumns } from './postureColumns';

/**
 * The catalog index page with the Posture grade column.
 *
 * The new frontend system's `page:catalog` (plugin-catalog 2.1) takes filters and export settings
 * as inputs but has no input or config for table columns, so a column cannot be attached as an
 * extension. This override keeps the page's route, its filter extensions and its `pagination`
 * config, and only swaps what it renders for the catalog's `CatalogIndexPage` with `columns`.
 */
export const catalogPageWithPosture = catalogPlugin.getExtension('page:catalog').override({
  factory(originalFactory, { inputs, config }) {
    const filters = inputs.filters.map(filter => filter.get(coreExtensionData.reactElement));
    return originalFactory({
      params: {
        loader: async () => (
          <CatalogIndexPage
            columns={postureCatalogColumns}
            filters={filters.length ? <>{filters}</> : undefined}
            pagination={config.pagination}
          />
        ),
      },
    });
  },
});
