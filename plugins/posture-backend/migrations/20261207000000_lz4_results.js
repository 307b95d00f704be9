// @ts-check

/*
 * Fleet scale (issue 11). A collection of a 100k-object cluster writes about 380 MB of results JSON, each
 * entity's row 20 KB or more, so PostgreSQL compresses every value into TOAST. Its default, pglz, took
 * PostgreSQL about 1.7 times as long to insert as lz4 on such rows (on the two cores it shares with the
 * backend). PostgreSQL 14 and later compress a column with lz4 when the server was built with it; the
 * setting applies to values written from now on, and existing ones stay readable as they are. Other
 * databases, and servers without lz4, are left as they were.
 */

const COLUMNS = [
  ['posture_entity_clusters', 'results'],
  ['posture_entity_clusters', 'workloads'],
  ['posture_entities', 'results'],
];

/**
 * Whether this server can compress with lz4: `default_toast_compression` offers lz4 only on a server built
 * with it (and exists from PostgreSQL 14).
 * @param {import('knex').Knex} knex
 */
async function hasLz4(knex) {
  if (!/^(pg|postgres)/.test(String(knex.client.config.client))) return false;
  const { rows } = await knex.raw(
    "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)",
  );
  return rows.length > 0;
}

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  if (!(await hasLz4(knex))) return;
  for (const [table, column] of COLUMNS) {
    await knex.raw('ALTER TABLE ?? ALTER COLUMN ?? SET COMPRESSION lz4', [table, column]);
  }
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  if (!(await hasLz4(knex))) return;
  for (const [table, column] of COLUMNS) {
    await knex.raw('ALTER TABLE ?? ALTER COLUMN ?? SET COMPRESSION default', [table, column]);
  }
};
