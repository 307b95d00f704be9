/**
 * Admission of cluster collections in one backend process: at most `slots` at a time and, with a
 * memory budget, a further collection only when the process's memory, with what each running
 * collection may still grow to and what the new one is expected to need, fits in the budget.
 *
 * Why a budget and not only a count: a collection's thread holds the cluster's objects and results
 * at once, a few hundred megabytes for 20,000 objects. In the fleet benchmark a replica's peak was
 * two such threads at once (docs/benchmarks.md, stop 29), well above its memory with one, while
 * small clusters can run side by side at no risk. A count cannot tell the two apart; what each
 * cluster's last collection measured can.
 *
 * What a collection needs is measured, not guessed: the collection thread's heap and external
 * memory, sampled while it runs, plus the results it has handed to the main thread (`report`).
 * The largest such figure of a cluster's last collection on this process is its expected need; a
 * cluster this process has not collected yet is expected to need as much as the largest one it
 * has, and with none measured yet it runs only alone. A single collection is always admitted, so
 * a budget below one collection's need serialises collections rather than stopping them.
 *
 * Waiters are admitted in arrival order: a large cluster is not overtaken forever by small ones.
 */
export interface GateOptions {
  /** collections at a time; at least 1 */
  slots: number;
  /** bytes of resident memory the process may reach with collections running; none: no memory rule */
  memoryBudgetBytes?: number;
  /** the process's resident memory now (tests replace it) */
  rss?: () => number;
}

export interface Admission {
  /**
   * The collection's memory now, as measured; its largest value becomes the cluster's expected need.
   * `final`: its thread has ended, and what it still holds (the results, until they are saved) will not
   * grow, so only that is reserved for it from now on: the next collection's thread may run during
   * this one's save.
   */
  report(bytes: number, final?: boolean): void;
  release(): void;
}

interface Holder {
  cluster: string;
  current: number;
  peak: number;
  /** its thread has ended: it holds `current` and no more */
  final: boolean;
}

interface Waiter {
  cluster: string;
  /** holds the slot and resolves the waiting acquire */
  admit: () => void;
}

export class CollectionGate {
  readonly slots: number;
  private readonly budget?: number;
  private readonly rss: () => number;
  private readonly holders = new Set<Holder>();
  private readonly waiters: Waiter[] = [];
  /** cluster → the peak memory of its last measured collection here */
  private readonly needs = new Map<string, number>();

  constructor(options: GateOptions) {
    this.slots = Math.max(1, Math.floor(options.slots));
    this.budget = options.memoryBudgetBytes && options.memoryBudgetBytes > 0 ? options.memoryBudgetBytes : undefined;
    this.rss = options.rss ?? (() => process.memoryUsage.rss());
  }

  /** holders and waiters */
  load(): number {
    return this.holders.size + this.waiters.length;
  }

  /** whether a collection of `cluster` asked for now would wait */
  wouldWait(cluster: string): boolean {
    return this.waiters.length > 0 || !this.admissible(cluster);
  }

  /** the expected need of a cluster's collection, in bytes; undefined when nothing is measured */
  expectedNeed(cluster: string): number | undefined {
    const own = this.needs.get(cluster);
    if (own !== undefined) return own;
    let largest: number | undefined;
    for (const n of this.needs.values()) largest = largest === undefined ? n : Math.max(largest, n);
    return largest;
  }

  async acquire(cluster: string, signal?: AbortSignal): Promise<Admission> {
    signal?.throwIfAborted();
    if (this.waiters.length === 0 && this.admissible(cluster)) return this.hold(cluster);
    return new Promise<Admission>((resolve, reject) => {
      const waiter: Waiter = {
        cluster,
        admit: () => {
          signal?.removeEventListener('abort', onAbort);
          // held at once, so the next waiter's check counts this one's need
          resolve(this.hold(cluster));
        },
      };
      const onAbort = () => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        // the next in line may fit now that this one no longer goes first
        this.admitWaiters();
        reject(signal?.reason ?? new Error('collection aborted'));
      };
      this.waiters.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private hold(cluster: string): Admission {
    const holder: Holder = { cluster, current: 0, peak: 0, final: false };
    this.holders.add(holder);
    let released = false;
    return {
      report: (bytes, final) => {
        if (released || holder.final || !Number.isFinite(bytes) || bytes < 0) return;
        holder.current = bytes;
        holder.peak = Math.max(holder.peak, bytes);
        if (final) {
          holder.final = true;
          this.admitWaiters();
        }
      },
      release: () => {
        if (released) return;
        released = true;
        this.holders.delete(holder);
        if (holder.peak > 0) this.needs.set(cluster, holder.peak);
        this.admitWaiters();
      },
    };
  }

  private admitWaiters(): void {
    while (this.waiters.length > 0 && this.admissible(this.waiters[0].cluster)) this.waiters.shift()!.admit();
  }

  private admissible(cluster: string): boolean {
    if (this.holders.size === 0) return true;
    if (this.holders.size >= this.slots) return false;
    if (this.budget === undefined) return true;
    const need = this.expectedNeed(cluster);
    // nothing measured yet: no basis to run it beside another
    if (need === undefined) return false;
    // the process's memory apart from the running collections, plus what each of them may still
    // reach (its last need, or what it holds now if more; once its thread has ended, what it holds),
    // plus the new one's need
    let running = 0;
    let reserved = 0;
    for (const h of this.holders) {
      running += h.current;
      reserved += h.final ? h.current : Math.max(h.current, this.expectedNeed(h.cluster) ?? need);
    }
    const rest = Math.max(0, this.rss() - running);
    return rest + reserved + need <= this.budget;
  }
}
