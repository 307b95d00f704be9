import { forEachInTurns, mapInTurns } from './turns';

describe('turns', () => {
  it('maps in order, letting other callbacks run between turns', async () => {
    const events: string[] = [];
    const items = Array.from({ length: 10 }, (_, i) => i);
    setImmediate(() => events.push('other'));
    const out = await mapInTurns(
      items,
      (n, i) => {
        events.push(`item ${i}`);
        return n * 2;
      },
      4,
    );
    expect(out).toEqual(items.map(n => n * 2));
    // the other callback ran at the first turn, after 4 items and before the 5th
    expect(events.indexOf('other')).toBe(4);
  });

  it('takes any iterable and counts from 0', async () => {
    const seen: [string, number][] = [];
    await forEachInTurns(new Set(['a', 'b', 'c']), (s, i) => seen.push([s, i]), 2);
    expect(seen).toEqual([
      ['a', 0],
      ['b', 1],
      ['c', 2],
    ]);
  });
});
