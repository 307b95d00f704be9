// @ts-check

/*
 * Fleet scale (issue 11). The Backstage scheduler now runs one global task per cluster and already
 * guarantees one run of a task at a time across replicas, with its own expiry: the plugin's own
 * run lock is gone. Entities that leave the catalog are kept for a grace period, tracked here.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.dropTableIfExists('posture_locks');
  // an entity scored before and missing from the catalog since `missing_since`
  await knex.schema.createTable('posture_entity_absence', table => {
    table.string('entity_ref', 512).primary();
    table.string('missing_since', 40).notNullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('posture_entity_absence');
  await knex.schema.createTable('posture_locks', table => {
    table.string('name', 255).primary();
    table.string('holder', 64).notNullable();
    table.string('acquired_at', 40).notNullable();
    table.string('expires_at', 40).notNullable();
  });
};
