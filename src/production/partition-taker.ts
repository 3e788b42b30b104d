// How a loop worker takes jobs from the partitions of its graph (docs/production.md,
// "Partitions"). Without waiting: from one partition after another, starting with the next
// one at each take, so that each partition comes first as often as the others. When none
// has a job: by waiting on all of them at once, one blocking BLMOVE per partition, each on
// its partition store's own connection (BLMOVE takes one source list, and on a cluster
// each partition may be served by another primary). A partition whose wait is pending
// needs no take without waiting: a job that reaches it ends that wait. A wait that ends
// with a job after the worker stopped waiting (its slots filled meanwhile) hands the job
// to `late`. A worker's commits take its next jobs too (refills): a partition whose last
// refill found fewer jobs than it asked for is known to be empty, and is waited on rather
// than taken from again; and with several partitions, a commit takes jobs only when its
// partition's turn has come, as takes go round them. With one partition this is the worker's
// take, then its wait.
import type { QueueStore } from "../store/queue-store";

/** A job a worker took: its text as it is in the processing list, and the store of its partition. */
export interface TakenJob {
  store: QueueStore;
  text: string;
}

/** How long one BLMOVE blocks; a wait that times out is started again while the worker still waits. */
const WAIT_SECONDS = 1;

export class PartitionTaker {
  private stores: QueueStore[] = [];
  /** Per partition, its wait in progress. */
  private readonly waits = new Map<number, Promise<void>>();
  private next = 0;
  /** Partitions a refill found empty: waited on, not taken from, until a wait or a refill finds a job there. */
  private readonly drained = new Set<number>();
  /** The run loop, while it waits for a job. */
  private waiter: { resolve(jobs: TakenJob[]): void; reject(e: unknown): void } | undefined;
  private stopped = false;

  constructor(
    private readonly loop: string,
    private readonly worker: string,
    private readonly late: (job: TakenJob) => void,
  ) {}

  /** The partitions' stores, in partition order. */
  get partitionStores(): readonly QueueStore[] {
    return this.stores;
  }

  /** Serves these partitions from now on (a graph that grew: the same ones and more). */
  serve(stores: readonly QueueStore[]): void {
    this.stores = [...stores];
    // While the run loop waits, the new partitions are waited on too.
    if (this.waiter !== undefined) for (const store of this.stores) if (!this.waits.has(store.partition)) this.wait(store);
  }

  /** Takes up to `free` jobs without waiting. */
  async take(free: number): Promise<TakenJob[]> {
    const count = this.stores.length;
    const first = this.next % count;
    this.next = (first + 1) % count;
    const taken: TakenJob[] = [];
    for (let i = 0; i < count && taken.length < free; i++) {
      const store = this.stores[(first + i) % count];
      if (this.waits.has(store.partition) || this.drained.has(store.partition)) continue;
      for (const text of await store.take(this.loop, this.worker, free - taken.length)) taken.push({ store, text });
    }
    return taken;
  }

  /**
   * Waits on every partition for a job; resolves with the first one a wait moves into the
   * worker's processing list. Rejects when a wait fails (Redis away), as a take would.
   */
  waitForJob(): Promise<TakenJob[]> {
    this.drained.clear();
    return new Promise<TakenJob[]>((resolve, reject) => {
      this.waiter = { resolve, reject };
      for (const store of this.stores) if (!this.waits.has(store.partition)) this.wait(store);
    });
  }

  /** Whether a commit in `store`'s partition may take jobs now: always with one partition; with several, when that one's turn has come. */
  mayRefillFrom(store: QueueStore): boolean {
    const count = this.stores.length;
    if (count <= 1) return true;
    if (this.stores[this.next % count] !== store) return false;
    this.next = (this.next + 1) % count;
    return true;
  }

  /** A commit in `store`'s partition took jobs; `drained`: fewer than it asked for, none left there. */
  tookWithCommit(store: QueueStore, drained: boolean): void {
    if (drained) this.drained.add(store.partition);
    else this.drained.delete(store.partition);
  }

  /** Starts no more waits (the worker stops; its blocking connections close). */
  stop(): void {
    this.stopped = true;
    this.waiter = undefined;
  }

  private wait(store: QueueStore): void {
    const partition = store.partition;
    const ended = store.takeBlocking(this.loop, this.worker, WAIT_SECONDS).then(
      (text) => {
        this.waits.delete(partition);
        if (text !== undefined) {
          const waiter = this.waiter;
          this.waiter = undefined;
          if (waiter) waiter.resolve([{ store, text }]);
          else this.late({ store, text });
        } else if (this.waiter !== undefined && !this.stopped) {
          this.wait(store);
        }
      },
      (e: unknown) => {
        this.waits.delete(partition);
        const waiter = this.waiter;
        this.waiter = undefined;
        waiter?.reject(e);
      },
    );
    this.waits.set(partition, ended);
  }
}
