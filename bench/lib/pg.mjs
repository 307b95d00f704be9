// A fresh PostgreSQL database per benchmark run, so that no run reads another's rows.
import { backendRequire } from './env.mjs';

export const PG_URL = process.env.BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432';

/**
 * Creates `<prefix>_<pid>_<time>` and returns its name and URL; `drop()` removes it even while
 * clients (a killed replica's, say) are still connected. A run that is killed leaves it behind:
 * `posture_bench_*` and `posture_fleet_*` databases are the bench's own and safe to drop.
 */
export async function freshPgDatabase(prefix) {
  const knex = backendRequire('knex');
  const name = `${prefix}_${process.pid}_${Date.now()}`;
  const admin = knex({ client: 'pg', connection: `${PG_URL}/postgres`, pool: { min: 0, max: 1 } });
  try {
    await admin.raw(`CREATE DATABASE ${name}`);
  } catch (e) {
    await admin.destroy();
    throw e;
  }
  return {
    name,
    url: `${PG_URL}/${name}`,
    drop: async () => {
      try {
        await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await admin.destroy();
      }
    },
  };
}
