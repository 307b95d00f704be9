// @ts-check

/*
 * When each cluster's task was last triggered by POST /refresh, for the refresh cooldown. Kept per process
 * before, so each replica behind a load balancer had its own: with R replicas a user could start R full
 * collections of the fleet per cooldown.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('posture_refresh_claims', table => {
    // the scheduler's task id: the same limit as its own table's
    table.string('task_id', 255).primary();
    // epoch ms of the last trigger; 0 when none counts
    table.bigInteger('triggered_at').notNullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('posture_refresh_claims');
};
