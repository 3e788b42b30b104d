// How a replay says what it takes from production, in lines that `stepgraph run --replay`
// prints and the debug console shows: the job and how it ended in production, what of the
// record the local graph cannot take, the outputs left out of the record, the nodes out of reach.
import type { RecordedFailure } from "./recorded-job";
import type { ReplayPlan } from "./replay-plan";

/** `replaying job 7 of graph orders: dead in production (node 'x' of loop 'l' failed after 3 attempts: ...)`. */
export function replayHeadline(plan: ReplayPlan, graph: string): string {
  const { job } = plan;
  if (job.status === "done") return `replaying job ${job.id} of graph ${graph}: done in production`;
  return `replaying job ${job.id} of graph ${graph}: dead in production (${job.failures.map((f) => failureText(f, localNodeOf(plan, f))).join("; ")})`;
}

/** A failure as production recorded it; `local`: the local node it stands for. */
export function failureText(failure: RecordedFailure, local: string | undefined): string {
  const attempts = `${failure.attempts} attempt${failure.attempts === 1 ? "" : "s"}`;
  if (failure.node !== "") return `node '${failure.node}' of loop '${failure.loop}' failed after ${attempts}: ${failure.error}`;
  const stands = local === undefined ? "" : `, so the replay takes '${local}', the loop's first node, for the failed one`;
  // No attempt: the worker refused the job (its version) before running any node.
  if (failure.attempts === 0) return `${failure.error}, in loop '${failure.loop}' before any of its nodes ran${stands}`;
  return `${failure.error} in loop '${failure.loop}'; which of its nodes was running is not known${stands}`;
}

/** The failure in short, after the run: `node 'x' failed: ...`, or what befell the loop. */
export function shortFailureText(failure: RecordedFailure): string {
  return failure.node === "" ? `${failure.error} in loop '${failure.loop}'` : `node '${failure.node}' failed: ${failure.error}`;
}

/** The lines after the headline: what the record has that the graph cannot take, the outputs left out of it, the nodes that cannot run. */
export function replayLines(plan: ReplayPlan): string[] {
  const lines = plan.notes.map((note) => `note: ${note}`);
  if (plan.defaulted.length > 0) lines.push(`not recorded by production, so taken from the graph's defaults: ${plan.defaulted.join(", ")}`);
  if (plan.leftOut.length > 0) lines.push(`left out of the dead-letter record (over its limit of ${plan.job.recordLimitBytes} bytes), so run here: ${plan.leftOut.join(", ")}`);
  return lines;
}

/** `out of reach: side (needs input 'n', ...)`, or nothing when every node can run. */
export function outOfReachLine(plan: ReplayPlan): string[] {
  if (plan.outOfReach.size === 0) return [];
  return [`out of reach: ${[...plan.outOfReach].map(([node, why]) => `${node} (${why})`).join("; ")}`];
}

/** The local node a failure stands for. */
export function localNodeOf(plan: ReplayPlan, failure: RecordedFailure): string | undefined {
  for (const [node, f] of plan.failed) if (f === failure) return node;
  return undefined;
}
