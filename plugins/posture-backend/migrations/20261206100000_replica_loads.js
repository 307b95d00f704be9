// @ts-check

/*
 * Fleet scale (issue 11). The scheduler gives a due cluster task to whichever replica polls first, and one
 * replica's polls keep the phase of the due times, so it won nearly every claim. Each replica now publishes
 * its collection load here, and one that sees a less loaded live replica hands the task back to the
 * scheduler (see refresher.ts, tryRunCluster). Times are the replica's clock, in milliseconds.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('posture_replica_loads', table => {
    table.string('id', 64).primary().notNullable();
    // collections running or waiting for a slot
    table.integer('running').notNullable();
    // milliseconds spent collecting within the last interval
    table.bigInteger('busy_ms').notNullable();
    table.bigInteger('seen_at').notNullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('posture_replica_loads');
};
