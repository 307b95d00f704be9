import { CollectionGate } from './collectionGate';

const MB = 1024 * 1024;

/** resolves when `p` has settled, or says it is still pending */
async function state(p: Promise<unknown>): Promise<'pending' | 'resolved' | 'rejected'> {
  let s: 'pending' | 'resolved' | 'rejected' = 'pending';
  p.then(() => (s = 'resolved'), () => (s = 'rejected'));
  await new Promise(r => setImmediate(r));
  return s;
}

describe('CollectionGate', () => {
  it('admits as many collections as it has slots, then the next when one ends', async () => {
    const gate = new CollectionGate({ slots: 2 });
    const a = await gate.acquire('a');
    await gate.acquire('b');
    const c = gate.acquire('c');
    expect(await state(c)).toBe('pending');
    expect(gate.wouldWait('d')).toBe(true);
    expect(gate.load()).toBe(3);
    a.release();
    expect(await state(c)).toBe('resolved');
    expect(gate.load()).toBe(2);
  });

  it('lets a waiter leave when its signal aborts', async () => {
    const gate = new CollectionGate({ slots: 1 });
    const a = await gate.acquire('a');
    const controller = new AbortController();
    const b = gate.acquire('b', controller.signal);
    controller.abort(new Error('cancelled'));
    await expect(b).rejects.toThrow('cancelled');
    expect(gate.load()).toBe(1);
    a.release();
    expect(gate.load()).toBe(0);
  });

  describe('with a memory budget', () => {
    it('runs a cluster that no collection here has measured only alone', async () => {
      const gate = new CollectionGate({ slots: 4, memoryBudgetBytes: 10_000 * MB, rss: () => 100 * MB });
      const a = await gate.acquire('a');
      expect(gate.wouldWait('b')).toBe(true);
      const b = gate.acquire('b');
      expect(await state(b)).toBe('pending');
      a.release();
      expect(await state(b)).toBe('resolved');
    });

    it('admits a second collection when the memory, the running ones’ needs and its own fit', async () => {
      let rss = 300 * MB;
      const gate = new CollectionGate({ slots: 4, memoryBudgetBytes: 1000 * MB, rss: () => rss });
      // measure a and b: 300 MB each at their peak
      for (const name of ['a', 'b']) {
        const m = await gate.acquire(name);
        m.report(100 * MB);
        m.report(300 * MB);
        m.report(50 * MB);
        m.release();
      }
      expect(gate.expectedNeed('a')).toBe(300 * MB);
      // a runs and holds 100 MB so far: rest 200 + a's 300 + b's 300 = 800 <= 1000
      const a = await gate.acquire('a');
      a.report(100 * MB);
      expect(gate.wouldWait('b')).toBe(false);
      const b = await gate.acquire('b');
      b.report(300 * MB);
      b.report(10 * MB);
      // a third: 200 + 300 + 300 + 300 > 1000
      expect(gate.wouldWait('c')).toBe(true);
      // the rest of the process grew: even b would not fit beside a now
      rss = 700 * MB;
      b.release();
      expect(gate.wouldWait('b')).toBe(true);
      a.release();
      expect(gate.wouldWait('b')).toBe(false);
    });

    it('counts what a running collection holds beyond its last need', async () => {
      let rss = 900 * MB;
      const gate = new CollectionGate({ slots: 4, memoryBudgetBytes: 800 * MB, rss: () => rss });
      const m = await gate.acquire('a');
      m.report(100 * MB);
      m.release();
      const a = await gate.acquire('a');
      // a holds 600 MB now (its last run needed 100): rest 300 + 600 + 100 > 800, where its last
      // need alone would have let another in (300 + 100 + 100)
      a.report(600 * MB);
      expect(gate.wouldWait('a2')).toBe(true);
      // a has given most of it back: rest 300 + 100 + 100 <= 800
      a.report(100 * MB);
      rss = 400 * MB;
      expect(gate.wouldWait('a2')).toBe(false);
    });

    it('expects a cluster it has not collected to need as much as the largest it has', async () => {
      const gate = new CollectionGate({ slots: 4, memoryBudgetBytes: 1000 * MB, rss: () => 100 * MB });
      for (const [name, peak] of [['small', 10 * MB], ['large', 500 * MB]] as const) {
        const m = await gate.acquire(name);
        m.report(peak);
        m.release();
      }
      expect(gate.expectedNeed('new')).toBe(500 * MB);
      const large = await gate.acquire('large');
      // 100 + 500 + 500 > 1000 for an unknown cluster, 100 + 500 + 10 for the small one
      expect(gate.wouldWait('new')).toBe(true);
      expect(gate.wouldWait('small')).toBe(false);
      large.release();
    });

    it('admits waiters in order, each counting the ones admitted before it', async () => {
      const gate = new CollectionGate({ slots: 4, memoryBudgetBytes: 1000 * MB, rss: () => 0 });
      for (const name of ['big', 'x', 'y', 'z']) {
        const m = await gate.acquire(name);
        m.report(name === 'big' ? 900 * MB : 300 * MB);
        m.release();
      }
      const big = await gate.acquire('big');
      const x = gate.acquire('x');
      const y = gate.acquire('y');
      const z = gate.acquire('z');
      expect(await state(x)).toBe('pending');
      big.release();
      // x, y and z fit together (900 <= 1000)
      expect(await state(x)).toBe('resolved');
      expect(await state(y)).toBe('resolved');
      expect(await state(z)).toBe('resolved');
      expect(gate.load()).toBe(3);
      // big does not fit beside them (900 + 900)
      const bigAgain = gate.acquire('big');
      expect(await state(bigAgain)).toBe('pending');
      // a small one that would fit does not overtake the waiting big one
      expect(gate.wouldWait('tiny')).toBe(true);
    });

    it("reserves for a collection whose thread has ended only the results it still holds", async () => {
      const gate = new CollectionGate({ slots: 2, memoryBudgetBytes: 1000 * MB, rss: () => 400 * MB });
      const m = await gate.acquire('a');
      m.report(500 * MB);
      m.release();
      const a = await gate.acquire('a');
      a.report(300 * MB);
      // rest 100 + a's 500 + 500 > 1000
      const b = gate.acquire('a2');
      expect(await state(b)).toBe('pending');
      // a's thread ends; it holds 50 MB of results until its save: 350 + 50 + 500 <= 1000, and b starts
      a.report(50 * MB, true);
      expect(await state(b)).toBe('resolved');
      // its need is now this run's peak, not what it held at the end
      a.release();
      expect(gate.expectedNeed('a')).toBe(300 * MB);
    });

    it('always admits one collection, whatever its need', async () => {
      const gate = new CollectionGate({ slots: 2, memoryBudgetBytes: 100 * MB, rss: () => 500 * MB });
      const m = await gate.acquire('huge');
      m.report(4000 * MB);
      m.release();
      expect(gate.wouldWait('huge')).toBe(false);
      await expect(gate.acquire('huge')).resolves.toBeDefined();
    });

    it('ignores memory reports after release and nonsense values', async () => {
      const gate = new CollectionGate({ slots: 2, memoryBudgetBytes: 1000 * MB, rss: () => 0 });
      const m = await gate.acquire('a');
      m.report(Number.NaN);
      m.report(-5);
      m.report(200 * MB);
      m.release();
      m.report(900 * MB);
      expect(gate.expectedNeed('a')).toBe(200 * MB);
    });
  });
});
