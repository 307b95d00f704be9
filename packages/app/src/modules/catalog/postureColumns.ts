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
  // one more column squeezed the names until they broke mid-word ("Check out API"): keep names whole
  const named = columns.map((c, i) =>
    i === name ? { ...c, cellStyle: { ...(typeof c.cellStyle === 'object' ? c.cellStyle : {}), minWidth: 170 } } : c,
  );
  return [...named.slice(0, at), createPostureGradeColumn(), ...named.slice(at)];
};
