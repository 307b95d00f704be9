// @ts-check

/*
 * Right-sizing (issue 15). Each entity's row per cluster keeps what its workloads request against
 * what they use (the Posture tab's table), and four totals over all replicas, so the per-team
 * over-request estimate is one grouped query rather than a parse of every entity's JSON.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('posture_entity_clusters', table => {
    table.text('resources').nullable();
    table.double('over_cpu_cores').nullable();
    table.double('over_memory_bytes').nullable();
    table.double('requested_cpu_cores').nullable();
    table.double('requested_memory_bytes').nullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('posture_entity_clusters', table => {
    table.dropColumn('resources');
    table.dropColumn('over_cpu_cores');
    table.dropColumn('over_memory_bytes');
    table.dropColumn('requested_cpu_cores');
    table.dropColumn('requested_memory_bytes');
  });
};
