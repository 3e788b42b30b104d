// Makes a child process die with its parent, even while its main thread is blocked (a node
// that spins forever never reaches the `disconnect` handler). A small worker thread polls
// the parent pid: when the parent dies the process is re-parented, the pid changes, and the
// worker kills the whole process. The worker is unref'd, so it never keeps a process alive.
import { Worker } from "node:worker_threads";

export const PARENT_POLL_MS = 500;

/** The watchdog worker, as plain CommonJS source so that it runs from any bundle or `node -e`. */
export const PARENT_WATCHDOG_SOURCE = String.raw`"use strict";
const { workerData } = require("node:worker_threads");
setInterval(() => {
  if (process.ppid !== workerData.parentPid) process.kill(process.pid, "SIGKILL");
}, workerData.pollMs);
`;

/** Starts the watchdog for the current process. */
export function exitWithParent(): void {
  new Worker(PARENT_WATCHDOG_SOURCE, { eval: true, workerData: { parentPid: process.ppid, pollMs: PARENT_POLL_MS } }).unref();
}
