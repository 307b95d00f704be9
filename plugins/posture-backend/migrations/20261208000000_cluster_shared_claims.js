// @ts-check

/*
 * The entities that share a workload with an entity, kept per cluster row (docs/security.md). They were kept
 * on the entity's row alone, from the clusters of the run that wrote it last: one cluster per run since
 * issue 11, so a run of another cluster dropped the claims that a kept row of the first still needed, and the
 * entity was served to callers denied the entity it shares a workload with. Rows written before this
 * migration have none; the entity's own row still answers for them until they are written again.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('posture_entity_clusters', table => {
    table.text('shared_with').nullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('posture_entity_clusters', table => {
    table.dropColumn('shared_with');
  });
};
