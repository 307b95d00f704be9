// @ts-check

/*
 * Posture storage. Portable across SQLite and PostgreSQL: JSON is stored as
 * text and timestamps as ISO-8601 UTC strings (`Date#toISOString`), which sort
 * and compare correctly as text on both databases.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  // the latest collection attempt per configured cluster source
  await knex.schema.createTable('posture_clusters', table => {
    table.string('name', 255).primary();
    table.string('type', 32).notNullable();
    table.string('collected_at', 40).nullable();
    table.string('last_attempt_at', 40).nullable();
    table.integer('duration_ms').nullable();
    table.text('object_counts').notNullable();
    table.text('error').nullable();
    table.boolean('stale').notNullable().defaultTo(false);
  });

  // one scorecard per entity: the denormalised columns serve filtering and sorting
  await knex.schema.createTable('posture_entities', table => {
    table.string('entity_ref', 512).primary();
    table.string('kind', 255).notNullable();
    table.string('namespace', 255).notNullable();
    table.string('name', 255).notNullable();
    table.text('title').nullable();
    table.string('owner', 512).nullable();
    table.string('system', 512).nullable();
    table.string('lifecycle', 255).nullable();
    table.text('clusters').notNullable();
    table.string('state', 32).notNullable();
    table.double('scalability').nullable();
    table.double('security').nullable();
    table.double('overall').nullable();
    table.string('grade', 1).nullable();
    table.string('scalability_grade', 1).nullable();
    table.string('security_grade', 1).nullable();
    table.string('level', 16).nullable();
    table.string('pss_level', 16).nullable();
    table.text('match').notNullable();
    table.text('combined').nullable();
    // results not attributable to one cluster; the rest live per cluster
    table.text('results').notNullable();
    table.string('updated_at', 40).notNullable();
    table.string('last_changed_at', 40).nullable();

    table.index(['owner'], 'posture_entities_owner_idx');
    table.index(['system'], 'posture_entities_system_idx');
    table.index(['kind'], 'posture_entities_kind_idx');
    table.index(['lifecycle'], 'posture_entities_lifecycle_idx');
    table.index(['grade'], 'posture_entities_grade_idx');
    table.index(['level'], 'posture_entities_level_idx');
    table.index(['overall'], 'posture_entities_overall_idx');
    table.index(['name'], 'posture_entities_name_idx');
    table.index(['last_changed_at'], 'posture_entities_last_changed_idx');
  });

  // the last good data of an entity in one cluster; kept while that cluster fails
  await knex.schema.createTable('posture_entity_clusters', table => {
    table.string('entity_ref', 512).notNullable();
    table.string('cluster', 255).notNullable();
    table.string('collected_at', 40).notNullable();
    table.boolean('stale').notNullable().defaultTo(false);
    table.text('error').nullable();
    table.text('workloads').notNullable();
    table.text('scorecard').notNullable();
    table.text('results').notNullable();
    table.primary(['entity_ref', 'cluster']);
    table.index(['cluster'], 'posture_entity_clusters_cluster_idx');
  });

  // failing checks per entity, so check summaries and group rollups need no JSON parsing
  await knex.schema.createTable('posture_entity_failures', table => {
    table.string('entity_ref', 512).notNullable();
    table.string('check_id', 255).notNullable();
    table.string('severity', 16).notNullable();
    table.string('pillar', 16).notNullable();
    table.integer('failing').notNullable();
    table.primary(['entity_ref', 'check_id']);
    table.index(['check_id'], 'posture_entity_failures_check_idx');
  });

  // one row per entity per collection in which its scores changed
  await knex.schema.createTable('posture_history', table => {
    table.increments('id');
    table.string('entity_ref', 512).notNullable();
    table.string('at', 40).notNullable();
    table.double('scalability').nullable();
    table.double('security').nullable();
    table.double('overall').nullable();
    table.string('grade', 1).nullable();
    table.string('level', 16).notNullable();
    table.string('pss_level', 16).notNullable();
    table.text('regression').nullable();
    table.index(['entity_ref', 'at'], 'posture_history_entity_at_idx');
    table.index(['at'], 'posture_history_at_idx');
  });

  await knex.schema.createTable('posture_runs', table => {
    table.increments('id');
    table.string('started_at', 40).notNullable();
    table.string('finished_at', 40).notNullable();
    table.integer('entities').notNullable();
    table.integer('changed').notNullable();
    table.integer('regressions').notNullable();
    table.index(['finished_at'], 'posture_runs_finished_at_idx');
  });

  // advisory locks that serialise collections across backend replicas
  await knex.schema.createTable('posture_locks', table => {
    table.string('name', 255).primary();
    table.string('holder', 64).notNullable();
    table.string('acquired_at', 40).notNullable();
    table.string('expires_at', 40).notNullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('posture_locks');
  await knex.schema.dropTable('posture_runs');
  await knex.schema.dropTable('posture_history');
  await knex.schema.dropTable('posture_entity_failures');
  await knex.schema.dropTable('posture_entity_clusters');
  await knex.schema.dropTable('posture_entities');
  await knex.schema.dropTable('posture_clusters');
};
