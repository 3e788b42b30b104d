// Errors that node code leaves behind it: a promise it rejected and nobody awaited, a timer
// callback that threw. Node code runs in the worker's process, and by default either ends
// the process, and with it every neighbouring job. The worker lives on and logs them against
// the node and job they came from (each node call runs inside `nodeRuns`, whose store
// follows the promises and timers the call makes).
import { AsyncLocalStorage } from "node:async_hooks";

export interface NodeRun {
  node: string;
  jobId: string;
}

export const nodeRuns = new AsyncLocalStorage<NodeRun>();

/** Installs the process's handlers; an uncaught exception that no node call made is a bug of ours: logged, and the process ends. */
export function surviveStrayErrors(log: (line: string) => void): void {
  process.on("unhandledRejection", (reason) => {
    const run = nodeRuns.getStore();
    log(`${run ? `job ${run.jobId} ${run.node}: a promise it left behind` : "a promise outside any node"} was rejected: ${describe(reason)}`);
  });
  process.on("uncaughtException", (error) => {
    const run = nodeRuns.getStore();
    if (run) {
      log(`job ${run.jobId} ${run.node}: a callback it left behind threw: ${describe(error)}`);
      return;
    }
    log(`internal error: ${error.stack ?? String(error)}`);
    process.exit(70);
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
