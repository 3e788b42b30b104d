// One reading of a deployed graph's loop figures for the graph view: `stepgraph status NAME
// --json` in a child process (the extension's own CLI runner), as waiting / in flight /
// jobs per second per loop, or a line saying why there are none. The words come from the
// caller, which localizes them.
import { cliFailureLine } from "../cli-failure";
import type { ProductionRedis } from "../production-arguments";
import { statusArguments } from "../production-arguments";
import { loopStatsOf, parseProductionStatus } from "../production-status";
import { runCli } from "../run-cli";
import type { LoopStats } from "../../webview/messages";

export interface LoopStatsUpdate {
  loops: LoopStats[] | null;
  /** Why there are no figures; absent when there are. */
  message?: string;
}

export interface LoopStatsSource {
  cliPath: string;
  graph: string;
  cwd: string;
  redis: ProductionRedis;
}

export interface LoopStatsWords {
  /** The graph has no active version on that Redis (its label). */
  notDeployed(graph: string, redis: string): string;
  /** The status could not be read: the CLI's one line. */
  failed(reason: string): string;
}

export async function readLoopStats(source: LoopStatsSource, words: LoopStatsWords, signal?: AbortSignal): Promise<LoopStatsUpdate> {
  const result = await runCli(source.cliPath, statusArguments(source.graph, source.redis, { json: true }), { cwd: source.cwd, signal });
  if (result.exitCode !== 0) return { loops: null, message: words.failed(cliFailureLine(result)) };
  const status = parseProductionStatus(result.stdout);
  if (status === undefined) return { loops: null, message: words.failed(result.stdout.trim().split("\n")[0] ?? "") };
  if (status.activeVersion === null) return { loops: null, message: words.notDeployed(source.graph, source.redis.label) };
  return { loops: loopStatsOf(status) };
}
