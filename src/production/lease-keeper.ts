// Starts and stops a loop worker's lease keeper thread (lease-keeper-thread.ts, built as
// dist/lease-keeper.js next to the command line).
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import type { LeaseKeeperData, LeaseKeeperMessage } from "./lease-keeper-thread";

export interface LeaseKeeper {
  /** Resolves, with why, if the thread ends other than by stop(): the lease is no longer renewed. */
  readonly lost: Promise<string>;
  stop(): Promise<void>;
}

/** Resolves once the lease is held (first renewal done). */
export function startLeaseKeeper(data: LeaseKeeperData, script = join(__dirname, "lease-keeper.js")): Promise<LeaseKeeper> {
  return new Promise((resolve, reject) => {
    const thread = new Worker(script, { workerData: data });
    let ready = false;
    let stopping = false;
    let failure: string | undefined;
    let markLost: (reason: string) => void = () => undefined;
    const lost = new Promise<string>((resolveLost) => (markLost = resolveLost));
    const exited = new Promise<void>((done) =>
      thread.once("exit", (code) => {
        const reason = failure ?? `it exited with code ${code}`;
        if (!ready) reject(new Error(`the lease keeper could not start: ${reason}`));
        else if (!stopping) markLost(reason);
        done();
      }),
    );
    const stop = async () => {
      stopping = true;
      thread.postMessage("stop");
      // The thread ends on its own once its connection is closed; terminate if it lingers.
      const timer = setTimeout(() => void thread.terminate(), 1000);
      await exited;
      clearTimeout(timer);
    };
    thread.on("error", (e: Error) => (failure ??= e.message));
    thread.on("message", (message: LeaseKeeperMessage) => {
      if (message.type === "ready") {
        ready = true;
        resolve({ lost, stop });
      } else {
        failure ??= message.message;
        // Not started (its first renewal failed): ended here, as its connection may hold it open.
        if (!ready) void thread.terminate();
      }
    });
  });
}
