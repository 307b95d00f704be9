import { TableColumn } from '@backstage/core-components';
import { Entity } from '@backstage/catalog-model';
import { SCORED_KINDS } from '../../lib/gradeLoader';
import { PostureGradeCell } from './PostureGradeCell';

/** Options for {@link createPostureGradeColumn}. @public */
export interface PostureGradeColumnOptions {
  /** the column header; default "Posture" */
  title?: string;
}

/**
 * A column with each entity's overall posture grade, linking to its Posture tab, for the catalog
 * table (`<CatalogIndexPage columns={…} />` or `<CatalogTable columns={…} />`) or any table whose
 * rows carry an `entity`.
 *
 * The grades of a page come from ONE overview request shared by all its cells, never one request
 * per row. Rows of kinds Posture does not score (only Components and Resources are) stay empty
 * and ask for nothing. The column needs the Posture plugin's API, so install the plugin too.
 *
 * @public
 */
export function createPostureGradeColumn<T extends { entity: Entity }>(
  options: PostureGradeColumnOptions = {},
): TableColumn<T> {
  return {
    title: options.title ?? 'Posture',
    // the grade arrives after the rows, so the table cannot sort or search by it
    sorting: false,
    searchable: false,
    width: '96px',
    render: row =>
      SCORED_KINDS.includes(row.entity.kind.toLocaleLowerCase('en-US')) ? <PostureGradeCell entity={row.entity} /> : null,
  };
}
