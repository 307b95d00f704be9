import { Knex } from 'knex';

/**
 * How saves of different clusters' runs share PostgreSQL. A run's save combines each of its entities
 * with the rows other clusters' runs keep: two saves that touch the same entity must commit it one
 * after the other, or the later one would combine without the earlier one's row. A save is one
 * transaction per batch of 500 entities (PostureStore.saveRunInBatches), each entity saved whole
 * in one of them.
 *
 * A single lock for every save serialised the whole fleet: with a task per cluster, thirty
 * clusters' saves queued behind each other, and tasks timed out waiting. Instead:
 * - every save holds the run lock *shared*, and locks each of its entities (a transaction-scoped
 *   advisory lock per entity) before it reads that entity's rows; saves of disjoint entities run
 *   side by side, saves of the same entity queue on that entity only;
 * - a save that removes entities or clusters touches rows of entities it does not name, so it holds
 *   the run lock *exclusively* in the first batch's transaction, which does the removing;
 * - every save takes its entity locks in one global order (by key), so two saves never wait on each
 *   other in a cycle;
 * - in each batch, a save writes its own cluster's rows first, before it takes any entity lock
 *   (no other cluster's save writes them), and only combines under the locks: two saves that share
 *   every entity overlap their writing and queue for the combining alone;
 * - the locks are transaction-scoped, so they are held for one batch, not for the whole save:
 *   saves that share every entity pass through the batches one behind the other (the second
 *   combines batch 1 while the first combines batch 2) instead of queueing for the whole save.
 *   Holding every lock to the end made three such saves no faster together than one after
 *   another, and in the fleet the others waited while the holder's replica, busy serving
 *   requests, sent its next query late;
 * - removing the rows of an entity that lost its annotations touches other clusters' rows, so it
 *   skips (SKIP LOCKED) any row a save is writing right now instead of waiting for it while that
 *   save may wait for a row this one holds; the next run that finds the entity unmapped removes it;
 * - pruning old history and runs is done by one save at a time, and a save that finds another one
 *   pruning skips it (the next one prunes).
 * SQLite serialises writers by itself; none of this runs there.
 */

/** the run lock ("posture" in ASCII), one 64-bit key */
export const SAVE_RUN_LOCK_KEY = 0x706f7374757265;
/** the first of the two 32-bit keys of an entity's lock ("post"); the second is the entity's key */
export const ENTITY_LOCK_SPACE = 0x706f7374;
/** the prune lock ("prune" in ASCII), one 64-bit key */
export const PRUNE_LOCK_KEY = 0x7072756e65;

/**
 * The 32-bit key of an entity's lock: FNV-1a of its (normalised) ref, as a signed int4. Two refs
 * may share a key; they then share a lock, which costs concurrency, never correctness.
 */
export function entityLockKey(ref: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < ref.length; i++) {
    h ^= ref.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

/** Orders items by their entity's lock key, the order every save takes the locks in. */
export function inLockOrder<T>(items: T[], refOf: (item: T) => string): T[] {
  return items
    .map(item => ({ item, key: entityLockKey(refOf(item)) }))
    .sort((a, b) => a.key - b.key)
    .map(x => x.item);
}

/** Takes the run lock, exclusively for a save that removes entities or clusters. */
export async function lockRun(trx: Knex.Transaction, exclusive: boolean): Promise<void> {
  await trx.raw(
    exclusive ? 'select pg_advisory_xact_lock(?::bigint)' : 'select pg_advisory_xact_lock_shared(?::bigint)',
    [SAVE_RUN_LOCK_KEY],
  );
}

/**
 * Locks the entities of `refs` until the transaction ends, in ascending key order. The callers
 * hand over their batches in that order too (inLockOrder), so every lock a save takes comes after
 * the ones it holds. The sorted subquery is not flattened into the outer select (PostgreSQL never
 * pulls up a subquery with ORDER BY), so the locks are taken in its order.
 */
export async function lockEntities(trx: Knex.Transaction, refs: string[]): Promise<void> {
  if (refs.length === 0) return;
  const keys = [...new Set(refs.map(entityLockKey))];
  await trx.raw(
    'select pg_advisory_xact_lock(?::int4, k) from (select k from unnest(?::int4[]) as t(k) order by k) as keys',
    [ENTITY_LOCK_SPACE, keys],
  );
}

/** True when this transaction may prune; false when another save is pruning right now. */
export async function tryLockPrune(trx: Knex.Transaction): Promise<boolean> {
  const r = await trx.raw('select pg_try_advisory_xact_lock(?::bigint) as locked', [PRUNE_LOCK_KEY]);
  return Boolean(r.rows[0]?.locked);
}
