import { randomUUID } from 'node:crypto';
import { SchedulerService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

/** how often an idle replica publishes its collection load; three missed beats and it counts as gone */
export const LOAD_HEARTBEAT_SECONDS = 10;

/** One replica's collection load, as the other replicas see it. */
export interface ReplicaLoad {
  /** collections running or waiting for a slot */
  running: number;
  /** milliseconds spent collecting within the last interval, runs still going included */
  busyMs: number;
}

/** Where replicas publish their load and read each other's. */
export interface LoadBoard {
  publish(load: ReplicaLoad): Promise<void>;
  /** the last load each other live replica published */
  others(): Promise<ReplicaLoad[]>;
}

const TABLE = 'posture_replica_loads';

/**
 * The replicas' loads in the plugin's database, one row per replica. A replica that has not published
 * for `liveMs` (killed, or stopped without `close`) is left out, and its row is deleted by the next
 * publish after ten times that. Rows hold counts and durations, nothing about clusters.
 */
export class DatabaseLoadBoard implements LoadBoard {
  readonly id: string;
  private readonly liveMs: number;
  private readonly now: () => number;
  private closed = false;

  constructor(
    private readonly knex: Knex,
    options: { id?: string; liveMs?: number; now?: () => number } = {},
  ) {
    this.id = options.id ?? randomUUID();
    this.liveMs = options.liveMs ?? 3 * LOAD_HEARTBEAT_SECONDS * 1000;
    this.now = options.now ?? Date.now;
  }

  async publish(load: ReplicaLoad): Promise<void> {
    // A replica shutting down leaves the board in a plugin shutdown hook, before the root shutdown
    // aborts its collections: each aborted run (and the heartbeat) publishes again, and would put back
    // a live-looking, idle replica that the others hand tasks to until it ages out.
    if (this.closed) return;
    const now = this.now();
    await this.knex(TABLE)
      .insert({ id: this.id, running: load.running, busy_ms: Math.round(load.busyMs), seen_at: now })
      .onConflict('id')
      .merge(['running', 'busy_ms', 'seen_at']);
    await this.knex(TABLE).where('seen_at', '<', now - 10 * this.liveMs).delete();
  }

  async others(): Promise<ReplicaLoad[]> {
    const rows = await this.knex(TABLE)
      .whereNot('id', this.id)
      .andWhere('seen_at', '>=', this.now() - this.liveMs)
      .select('running', 'busy_ms');
    return rows.map(r => ({ running: Number(r.running), busyMs: Number(r.busy_ms) }));
  }

  /** leaves the board, on shutdown; later publishes do nothing */
  async close(): Promise<void> {
    this.closed = true;
    await this.knex(TABLE).where('id', this.id).delete();
  }
}

/**
 * Publishes this replica's load every LOAD_HEARTBEAT_SECONDS, idle or not, as a `local` task on
 * Backstage's scheduler, so that the others see an idle replica as live.
 */
export function scheduleLoadHeartbeat(scheduler: SchedulerService, publish: () => Promise<void>): Promise<void> {
  return scheduler.scheduleTask({
    id: 'posture-replica-load',
    scope: 'local',
    frequency: { seconds: LOAD_HEARTBEAT_SECONDS },
    timeout: { seconds: LOAD_HEARTBEAT_SECONDS },
    fn: publish,
  });
}

/** Whether `other` should take a collection rather than a replica with load `mine`. */
export function lessLoaded(other: ReplicaLoad, mine: ReplicaLoad): boolean {
  return other.running < mine.running || (other.running === mine.running && other.busyMs < mine.busyMs);
}
