// @ts-check

/*
 * The data version replicas check their caches against (PostureStore's dataVersion). It was the run table's
 * largest id and row count, which two states could share: run ids are taken at insert, not at commit, so a
 * save that commits after a later one (its id below the largest) while pruning one old run leaves both
 * unchanged; and a save that failed part-way commits its first batches but no run row. Every transaction
 * that writes a save's data now adds one to this counter, as its last statement (a row lock held only until
 * its commit).
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('posture_data_version', table => {
    table.integer('id').primary();
    table.bigInteger('n').notNullable();
  });
  await knex('posture_data_version').insert({ id: 1, n: 0 });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('posture_data_version');
};
