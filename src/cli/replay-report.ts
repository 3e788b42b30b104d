// What `stepgraph run --replay` prints around the node lines: before, the job and how it
// ended in production; after, what it reused from production, what it ran here, what could
// not run, and how it ended here against how it ended there (or the same as JSON).
import type { Orchestrator } from "../runtime/orchestrator";
import type { ReplayPlan } from "../runtime/replay-plan";
import { outOfReachLine, replayHeadline, replayLines, shortFailureText } from "../runtime/replay-text";

export function printReplayStart(plan: ReplayPlan, graph: string): void {
  process.stdout.write([replayHeadline(plan, graph), ...replayLines(plan)].map((line) => `${line}\n`).join(""));
}

export function printReplayEnd(plan: ReplayPlan, orchestrator: Orchestrator): void {
  const { reused, ranHere } = whatRan(orchestrator);
  const lines = [`reused from production: ${listed(reused)}`, `ran here: ${listed(ranHere)}`, ...outOfReachLine(plan), `outcome: ${outcome(plan, orchestrator)}`];
  process.stdout.write(lines.map((line) => `${line}\n`).join(""));
}

/** The replay's part of `run --replay --json`. */
export function replayJson(plan: ReplayPlan, orchestrator: Orchestrator): Record<string, unknown> {
  const { job } = plan;
  return {
    job: job.id,
    production: job.status,
    failures: job.failures.map(({ node, loop, element, error, attempts }) => ({ node, loop, ...(element === undefined ? {} : { element }), error, attempts })),
    ...whatRan(orchestrator),
    leftOut: plan.leftOut,
    outOfReach: Object.fromEntries(plan.outOfReach),
    notes: plan.notes,
  };
}

/** The nodes that took production's output, and those that ran here (failed or not), in the graph's order. */
function whatRan(orchestrator: Orchestrator): { reused: string[]; ranHere: string[] } {
  const status = (name: string) => orchestrator.state(name).status;
  const names = orchestrator.graph.nodes.map((n) => n.name);
  return { reused: names.filter((name) => status(name) === "recorded"), ranHere: names.filter((name) => ["ran", "cached", "pinned", "failed"].includes(status(name))) };
}

function outcome(plan: ReplayPlan, orchestrator: Orchestrator): string {
  const failedHere = orchestrator.graph.nodes.filter((n) => orchestrator.state(n.name).status === "failed");
  if (failedHere.length > 0) {
    return failedHere.map((n) => `node '${n.name}' failed here${plan.failed.has(n.name) ? " too" : ""}: ${orchestrator.state(n.name).error?.message ?? ""}`).join("; ");
  }
  const every = plan.outOfReach.size > 0 ? "every node it could run finished here" : "every node finished here";
  const there = plan.job.failures.map(shortFailureText).join("; ");
  return plan.job.status === "dead" ? `${every} (in production ${there})` : every;
}

function listed(names: readonly string[]): string {
  return names.length === 0 ? "none" : names.join(", ");
}
