// @ts-check

/*
 * Campaigns: the deadline notices sent (one row per campaign, window and owner, so an owner is told
 * once per campaign window even with several replicas), and each service's met/short state over time.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('posture_campaign_notices', table => {
    table.string('campaign_id', 64).notNullable();
    // the deadline the notice was about: moving the deadline opens a new window
    table.string('window', 40).notNullable();
    table.string('owner', 512).notNullable();
    table.string('sent_at', 40).notNullable();
    // `notified` or `logged` (no notifications backend answered)
    table.string('outcome', 16).notNullable();
    table.primary(['campaign_id', 'window', 'owner']);
  });

  // whether each service met a campaign's target, one row per change: score history keeps no single
  // checks, so this is the burn-down of a check target
  await knex.schema.createTable('posture_campaign_states', table => {
    table.increments('id');
    table.string('campaign_id', 64).notNullable();
    table.string('entity_ref', 512).notNullable();
    table.string('at', 40).notNullable();
    table.boolean('met').notNullable();
    table.index(['campaign_id', 'entity_ref'], 'posture_campaign_states_entity_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('posture_campaign_states');
  await knex.schema.dropTable('posture_campaign_notices');
};
