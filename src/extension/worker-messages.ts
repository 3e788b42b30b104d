// What Start and Stop Local Workers say when they are done.
import * as l10n from "@vscode/l10n";
import type { LocalWorker, StopReport } from "./local-workers";

/** "Started 3 local workers for orders". */
export function startedWorkersMessage(graph: string, count: number): string {
  return count === 1 ? l10n.t("Started 1 local worker for {0}", graph) : l10n.t("Started {0} local workers for {1}", count, graph);
}

/** "Stopped 3 local workers: orders (intake, billing, shipping)", and which of them had to be killed. */
export function stoppedWorkersMessage(report: StopReport, graceMs: number): string {
  const count = report.stopped.length;
  if (count === 0) return l10n.t("No local workers are running.");
  const stopped = count === 1 ? l10n.t("Stopped 1 local worker: {0}", loopsByGraph(report.stopped)) : l10n.t("Stopped {0} local workers: {1}", count, loopsByGraph(report.stopped));
  if (report.killed.length === 0) return stopped;
  return l10n.t("{0}; killed after {1} s without exiting: {2}", stopped, graceMs / 1000, loopsByGraph(report.killed));
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
  if (reason === "") return l10n.t("Stepgraph: the local worker of loop {0} ({1}) {2}", worker.loop, worker.graph, exit);
  return l10n.t("Stepgraph: the local worker of loop {0} ({1}) {2}: {3}", worker.loop, worker.graph, exit, reason);
}
