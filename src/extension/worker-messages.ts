// What Start and Stop Local Workers say when they are done.
import type { LocalWorker, StopReport } from "./local-workers";
import { plural } from "./plural";

/** "Started 3 local workers for orders". */
export function startedWorkersMessage(graph: string, count: number): string {
  return `Started ${plural(count, "local worker")} for ${graph}`;
}

/** "Stopped 3 local workers: orders (intake, billing, shipping)", and which of them had to be killed. */
export function stoppedWorkersMessage(report: StopReport, graceMs: number): string {
  if (report.stopped.length === 0) return "No local workers are running.";
  const stopped = `Stopped ${plural(report.stopped.length, "local worker")}: ${loopsByGraph(report.stopped)}`;
  if (report.killed.length === 0) return stopped;
  return `${stopped}; killed after ${graceMs / 1000} s without exiting: ${loopsByGraph(report.killed)}`;
}

/** "orders (intake, billing), enrich (fetch)". */
function loopsByGraph(workers: readonly LocalWorker[]): string {
  const byGraph = new Map<string, string[]>();
  for (const worker of workers) byGraph.set(worker.graph, [...(byGraph.get(worker.graph) ?? []), worker.loop]);
  return [...byGraph].map(([graph, loops]) => `${graph} (${loops.join(", ")})`).join(", ");
}

/** "Stepgraph: the local worker of loop billing (orders) exited with code 2: worker: ...", for a worker nobody stopped. */
export function unexpectedExitMessage(worker: LocalWorker, exit: string, lastStderrLine: string): string {
  const reason = lastStderrLine.replace(/^stepgraph: /, "");
  return `Stepgraph: the local worker of loop ${worker.loop} (${worker.graph}) ${exit}${reason ? `: ${reason}` : ""}`;
}
