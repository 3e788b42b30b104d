// The lease keeper: a worker thread (its own event loop and Redis connection) that renews
// a loop worker's lease. Node code runs on the worker's main thread, and a node that
// computes for longer than the lease lasts must not make its live worker look dead: the
// lease says "this process is alive", whatever its main thread is doing. A worker of a
// partitioned graph holds its lease in each partition it serves.
import { parentPort, workerData } from "node:worker_threads";
import { QueueStore } from "../store/queue-store";

export interface LeaseKeeperData {
  redisUrl: string;
  graph: string;
  loop: string;
  worker: string;
  /** The worker serves partitions 0 to partitions - 1. */
  partitions: number;
  ttlMs: number;
  intervalMs: number;
}

export type LeaseKeeperMessage = { type: "ready" } | { type: "error"; message: string };

async function keepLease(data: LeaseKeeperData): Promise<void> {
  const store = await QueueStore.open(data.redisUrl, data.graph, { connectTimeoutMs: 10_000 });
  const stores = store.partitionStoresUpTo(data.partitions);
  const renew = () => Promise.all(stores.map((partition) => partition.renewLease(data.loop, data.worker, data.ttlMs)));
  await renew();
  parentPort?.postMessage({ type: "ready" } satisfies LeaseKeeperMessage);
  const timer = setInterval(() => {
    // A failed renewal (Redis away) is retried by the next tick; the store reconnects meanwhile.
    renew().catch(() => undefined);
  }, data.intervalMs);
  parentPort?.on("message", (message: unknown) => {
    if (message !== "stop") return;
    clearInterval(timer);
    store.close();
    parentPort?.close();
  });
}

keepLease(workerData as LeaseKeeperData).catch((e: unknown) => {
  parentPort?.postMessage({ type: "error", message: e instanceof Error ? e.message : String(e) } satisfies LeaseKeeperMessage);
});
