/**
 * Long loops on the backend's main thread give the event loop a turn every so many items: a run
 * over a large catalog (16,667 entities in the 100k-object benchmark) otherwise held every route
 * of the backend for a few hundred milliseconds at each step of a collection.
 */

/** items handled between turns of the event loop */
export const ITEMS_PER_TURN = 200;

/** One turn of the event loop: I/O callbacks waiting since the last one run first. */
export function nextTurn(): Promise<void> {
  return new Promise(resolve => setImmediate(resolve));
}

/** Calls `fn` on each item in order, with a turn of the event loop every `perTurn` items. */
export async function forEachInTurns<T>(
  items: Iterable<T>,
  fn: (item: T, index: number) => void,
  perTurn = ITEMS_PER_TURN,
): Promise<void> {
  let i = 0;
  for (const item of items) {
    if (i > 0 && i % perTurn === 0) await nextTurn();
    fn(item, i++);
  }
}

/** `items.map(fn)`, with a turn of the event loop every `perTurn` items. */
export async function mapInTurns<T, R>(
  items: readonly T[],
  fn: (item: T, index: number) => R,
  perTurn = ITEMS_PER_TURN,
): Promise<R[]> {
  const out: R[] = [];
  await forEachInTurns(items, (item, i) => out.push(fn(item, i)), perTurn);
  return out;
}
