// @ts-check

/*
 * Deadline notices sent for campaigns: one row per (campaign, window, owner), so an owner is told
 * once per campaign window even when the notifier runs on every replica, every hour.
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
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('posture_campaign_notices');
};
