// `stepgraph status NAME`: the graph's totals and, per loop, its queues, counters, live
// workers, throughput and latency, summed over a partitioned graph's partitions (--json:
// each partition's too).
import type { GraphStatus } from "../production/queue-manager";
import { Exit, UserError, type Command } from "./command";
import { parseArguments } from "./parse-arguments";
import { checkGraphName, openProduction, PRODUCTION_OPTIONS, PRODUCTION_OPTIONS_USAGE, productionRedisUrl, refusalsAsUserErrors } from "./production-options";

export const statusCommand: Command = {
  name: "status",
  summary: "show a deployed graph's loops: queues, counts, workers, throughput",
  usage: `Usage: stepgraph status NAME [--json]

  --json                       print { graph, activeVersion, partitions, submitted, completed, dead, loops: [...] },
                               each loop with its counts per partition too (partitions: [...])
${PRODUCTION_OPTIONS_USAGE}`,
  async run(args) {
    const { values, positionals } = parseArguments("status", args, { ...PRODUCTION_OPTIONS, json: { type: "boolean", default: false } });
    if (positionals.length > 1) throw new UserError(`status: name one graph, not ${positionals.length}`);
    const graph = checkGraphName(positionals[0], "status");
    const connection = await openProduction(graph, productionRedisUrl(values.redis));
    try {
      const status = await refusalsAsUserErrors(connection.manager.status());
      process.stdout.write(values.json ? `${JSON.stringify(status)}\n` : formatStatus(status));
      return Exit.ok;
    } finally {
      connection.close();
    }
  },
};

export function formatStatus(status: GraphStatus): string {
  if (status.activeVersion === null) return `graph ${status.graph}: not deployed\n`;
  const header = ["loop", "waiting", "delayed", "in flight", "done", "failed", "dead", "workers", "jobs/s", "latency"];
  const rows = status.loops.map((l) => [l.name, l.waiting, l.delayed, l.inFlight, l.done, l.failed, l.dead, l.workers, l.throughput, l.latencyMs === null ? "-" : `${l.latencyMs} ms`].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ").trimEnd();
  return [
    `graph ${status.graph}: version ${status.activeVersion} active${status.partitions > 1 ? `, ${status.partitions} partitions (summed below)` : ""}; submitted ${status.submitted}, completed ${status.completed}, dead ${status.dead}`,
    line(header),
    ...rows.map(line),
    "",
  ].join("\n");
}
