// Starts and stops a loop worker's lease keeper thread (lease-keeper-thread.ts, built as
// dist/lease-keeper.js next to the command line).
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import type { LeaseKeeperData, LeaseKeeperMessage } from "./lease-keeper-thread";

export interface LeaseKeeper {
  stop(): Promise<void>;
}

/** Resolves once the lease is held (first renewal done). */
export function startLeaseKeeper(data: LeaseKeeperData, script = join(__dirname, "lease-keeper.js")): Promise<LeaseKeeper> {
  return new Promise((resolve, reject) => {
    const thread = new Worker(script, { workerData: data });
    const exited = new Promise((done) => thread.once("exit", done));
    const stop = async () => {
      thread.postMessage("stop");
      // The thread ends on its own once its connection is closed; terminate if it lingers.
      const timer = setTimeout(() => void thread.terminate(), 1000);
      await exited;
      clearTimeout(timer);
    };
    thread.once("error", reject);
    thread.on("message", (message: LeaseKeeperMessage) => {
      if (message.type === "ready") resolve({ stop });
      else reject(new Error(`the lease keeper could not start: ${message.message}`));
    });
  });
}
