// @ts-check

/*
 * Saves that change nothing (issue 11). Each entity's row per cluster, and each entity's own row, carry a
 * hash of what a save writes into them (apart from when it was collected). A run whose rows for an entity
 * hash the same as the stored ones leaves that entity's rows and combined scorecard as they are, and only
 * moves its timestamps: in a steady fleet most runs change nothing, and each used to rewrite and recombine
 * every entity of its cluster. Rows written before this migration have none, and are written once more.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('posture_entity_clusters', table => {
    table.string('content_hash', 64).nullable();
  });
  await knex.schema.alterTable('posture_entities', table => {
    table.string('content_hash', 64).nullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('posture_entity_clusters', table => {
    table.dropColumn('content_hash');
  });
  await knex.schema.alterTable('posture_entities', table => {
    table.dropColumn('content_hash');
  });
};
