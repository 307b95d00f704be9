import { CatalogTable, CatalogTableColumnsFunc } from '@backstage/plugin-catalog';
import { createPostureGradeColumn } from '@posture-dev/backstage-plugin-posture';

// the kinds Posture scores; other kinds' tables get no empty grade column
const SCORED_KINDS = ['component', 'resource'];

/**
 * The catalog's own columns for the selected kind, with the Posture grade right after the name,
 * where a reader scanning the list looks first.
 */
export const postureCatalogColumns: CatalogTableColumnsFunc = context => {
  const columns = CatalogTable.defaultColumnsFunc(context);
  const kind = context.filters.kind?.value?.toLocaleLowerCase('en-US');
  if (kind && !SCORED_KINDS.includes(kind)) return columns;
  // after the name column (the catalog puts a hidden title column before it)
  const name = columns.findIndex(c => c.field === 'resolved.entityRef');
  const at = name < 0 ? columns.length : name + 1;
  return [...columns.slice(0, at), createPostureGradeColumn(), ...columns.slice(at)];
};
