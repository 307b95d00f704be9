import { Knex } from 'knex';

const TABLE = 'posture_refresh_claims';
/** task ids per statement; a fleet has dozens, but the config sets no limit */
const IDS_PER_STATEMENT = 500;

/**
 * Who may trigger which cluster's task now: the refresh cooldown's record of when each task was last
 * triggered. A task is claimed only when its cooldown has passed, and the claim starts a new one.
 */
export interface RefreshClaims {
  /** Claims the tasks out of their cooldown at `at`; for the others, the soonest end of theirs. */
  claim(ids: string[], at: number, cooldownMs: number): Promise<{ claimed: string[]; busyUntil?: number }>;
  /** Gives back claims made at `at` for tasks that were not triggered after all. */
  release(ids: string[], at: number): Promise<void>;
}

/** A process's own record: enough for one replica (and the tests). */
export function memoryRefreshClaims(): RefreshClaims {
  const last = new Map<string, number>();
  return {
    async claim(ids, at, cooldownMs) {
      const claimed: string[] = [];
      let busyUntil: number | undefined;
      for (const id of ids) {
        const t = last.get(id);
        if (t === undefined || at - t >= cooldownMs) {
          claimed.push(id);
          last.set(id, at);
        } else busyUntil = Math.min(busyUntil ?? Infinity, t + cooldownMs);
      }
      return { claimed, busyUntil };
    },
    async release(ids, at) {
      for (const id of ids) if (last.get(id) === at) last.delete(id);
    },
  };
}

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += IDS_PER_STATEMENT) out.push(items.slice(i, i + IDS_PER_STATEMENT));
  return out;
}

/**
 * The replicas' shared record, in the plugin's database: a refresh on any replica starts the cooldown for
 * all of them. Each claim is one transaction; on PostgreSQL it locks the tasks' rows, in task id order
 * (so two replicas' claims cannot wait on each other in a cycle), and SQLite has one writer at a time.
 */
export class DatabaseRefreshClaims implements RefreshClaims {
  constructor(private readonly knex: Knex) {}

  async claim(ids: string[], at: number, cooldownMs: number): Promise<{ claimed: string[]; busyUntil?: number }> {
    const sorted = [...new Set(ids)].sort();
    const isPostgres = this.knex.client.config.client === 'pg';
    return this.knex.transaction(async trx => {
      for (const part of chunks(sorted)) {
        await trx(TABLE)
          .insert(part.map(task_id => ({ task_id, triggered_at: 0 })))
          .onConflict('task_id')
          .ignore();
      }
      const claimed: string[] = [];
      let busyUntil: number | undefined;
      for (const part of chunks(sorted)) {
        const query = trx(TABLE).select('task_id', 'triggered_at').whereIn('task_id', part).orderBy('task_id');
        const rows: { task_id: string; triggered_at: number | string }[] = await (isPostgres ? query.forUpdate() : query);
        for (const r of rows) {
          const t = Number(r.triggered_at);
          if (at - t >= cooldownMs) claimed.push(r.task_id);
          else busyUntil = Math.min(busyUntil ?? Infinity, t + cooldownMs);
        }
      }
      for (const part of chunks(claimed)) {
        await trx(TABLE).whereIn('task_id', part).update({ triggered_at: at });
      }
      return { claimed, busyUntil };
    });
  }

  async release(ids: string[], at: number): Promise<void> {
    for (const part of chunks(ids)) {
      // only this claim's: another replica may have claimed the task since
      await this.knex(TABLE).whereIn('task_id', part).andWhere('triggered_at', at).update({ triggered_at: 0 });
    }
  }
}
