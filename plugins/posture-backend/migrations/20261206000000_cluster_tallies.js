// @ts-check

/*
 * Fleet scale (issue 11). With one task per cluster, every run combines each entity's fresh cluster with the
 * kept rows of its other clusters. Reading and parsing those rows' results made a run's cost grow with the
 * number of clusters an entity lives in (an entity in 30 clusters: 29 clusters' results parsed per run). Each
 * row now keeps what combining needs: its score tally (sums and flags, see ScoreTally) and its failing checks
 * with counts. Rows written before this migration have neither, and are read the old way until rewritten.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('posture_entity_clusters', table => {
    table.text('tally').nullable();
    table.text('failing').nullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('posture_entity_clusters', table => {
    table.dropColumn('tally');
    table.dropColumn('failing');
  });
};
