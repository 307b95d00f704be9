// @ts-check

/*
 * Reads after a save (issue 11). Each entity's row per cluster carries a token that a write of its
 * results replaces. A replica keeps each cluster's results gzipped apart, under that token: after a
 * save of one cluster it compresses that cluster's results again and reuses the others' bytes
 * (see store/gzipPieces.ts). Rows written before this migration have none and are read in full.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('posture_entity_clusters', table => {
    table.string('results_token', 36).nullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('posture_entity_clusters', table => {
    table.dropColumn('results_token');
  });
};
