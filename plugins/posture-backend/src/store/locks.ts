import { ConflictError, InputError } from '@backstage/errors';
import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import { T } from './rows';
import { LockLease, WithLockOptions } from './types';

const DEFAULT_TTL_MS = 10 * 60_000;
const DEFAULT_POLL_MS = 1_000;

/**
 * Advisory locks in a table, so that they hold across backend replicas. A
 * lease expires unless renewed, so a holder that crashed blocks others only
 * until its expiry. Times come from the replica's clock: keep clocks in sync
 * and TTLs well above the skew.
 */
export class PostureLocks {
  constructor(private readonly db: Knex, private readonly clock: () => Date) {}

  async tryAcquire(
    name: string,
    ttlMs: number = DEFAULT_TTL_MS,
  ): Promise<LockLease | undefined> {
    checkTtl(ttlMs);
    const token = randomUUID();
    const now = this.clock();
    const nowIso = now.toISOString();
    const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
    const acquired = await this.db.transaction(async trx => {
      await trx(T.locks)
        .insert({
          name,
          holder: token,
          acquired_at: nowIso,
          expires_at: expiresAt,
        })
        .onConflict('name')
        .ignore();
      // takes the row if we just inserted it or the previous holder's lease ran out;
      // a concurrent taker re-checks the condition after our update, so only one wins
      const updated = await trx(T.locks)
        .where('name', name)
        .andWhere(q =>
          q.where('holder', token).orWhere('expires_at', '<=', nowIso),
        )
        .update({ holder: token, acquired_at: nowIso, expires_at: expiresAt });
      return Number(updated) === 1;
    });
    return acquired ? { name, token, expiresAt } : undefined;
  }

  /** Extends a lease; undefined when it was lost (expired and taken by someone else). */
  async renew(
    lease: LockLease,
    ttlMs: number = DEFAULT_TTL_MS,
  ): Promise<LockLease | undefined> {
    checkTtl(ttlMs);
    const expiresAt = new Date(this.clock().getTime() + ttlMs).toISOString();
    const updated = await this.db(T.locks)
      .where({ name: lease.name, holder: lease.token })
      .update({ expires_at: expiresAt });
    return Number(updated) === 1 ? { ...lease, expiresAt } : undefined;
  }

  /** Releases a lease; false when it was no longer held. */
  async release(lease: LockLease): Promise<boolean> {
    const deleted = await this.db(T.locks)
      .where({ name: lease.name, holder: lease.token })
      .delete();
    return Number(deleted) === 1;
  }

  /**
   * Runs `fn` while holding the lock, waiting up to `waitMs` for it (a
   * ConflictError after that). The lease is renewed every third of its TTL;
   * if it is lost anyway, `signal` aborts so `fn` can stop.
   */
  async withLock<R>(
    name: string,
    fn: (lease: LockLease, signal: AbortSignal) => Promise<R>,
    options: WithLockOptions = {},
  ): Promise<R> {
    const ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
    const waitMs = options.waitMs ?? 0;
    const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
    const deadline = Date.now() + waitMs;
    let lease = await this.tryAcquire(name, ttlMs);
    while (!lease) {
      const left = deadline - Date.now();
      if (left <= 0)
        throw new ConflictError(`The ${name} lock is held by another run`);
      await new Promise(resolve => setTimeout(resolve, Math.min(pollMs, left)));
      lease = await this.tryAcquire(name, ttlMs);
    }

    const controller = new AbortController();
    let current: LockLease = lease;
    let renewing = false;
    const timer = setInterval(async () => {
      if (renewing || controller.signal.aborted) return;
      renewing = true;
      try {
        const renewed = await this.renew(current, ttlMs);
        if (renewed) current = renewed;
        else controller.abort(new ConflictError(`Lost the ${name} lock`));
      } catch {
        // a transient database error: the lease stands until it expires
        if (this.clock().toISOString() >= current.expiresAt) {
          controller.abort(
            new ConflictError(
              `Could not renew the ${name} lock before it expired`,
            ),
          );
        }
      } finally {
        renewing = false;
      }
    }, Math.max(1, Math.floor(ttlMs / 3)));
    timer.unref?.();
    try {
      return await fn(current, controller.signal);
    } finally {
      clearInterval(timer);
      await this.release(current).catch(() => undefined);
    }
  }
}

function checkTtl(ttlMs: number) {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new InputError(
      `Lock TTL must be a positive number of milliseconds, got ${ttlMs}`,
    );
  }
}
