// The Node scope of a stack frame: what the node calls, where its output came from and why
// it ran, its status, key and attempts, and what its condition, map or subgraph made of it.
// As recorded at the cursor while stepped back (`record`), else as the node is now.
import type { StopLevel } from "../src/runtime/orchestrator";
import type { NodeRecord } from "../src/runtime/node-state";

export function nodeScopeRows({ job, node, element }: StopLevel, record: NodeRecord | undefined): [string, unknown][] {
  const state = job.state(node);
  const shown = record ?? state;
  const { callText, function: fn, when, mapIndex } = state.node;
  const rows: [string, unknown][] = [
    // The signature names the function; an alias, when the call has one, goes in front.
    ["function", `${callText.includes(".") ? `${callText.split(".")[0]}.` : ""}${fn.signature}`],
    ["module", state.node.moduleSpecifier],
    ["cache", shown.cache ?? "pending"],
    // Why it ran, or the run its cached output came from (the runtime decides: run-reason.ts).
    ...(shown.why === undefined ? [] : [["why", shown.why] satisfies [string, unknown]]),
    ["status", shown.status],
    ["durationMs", shown.ranForMs],
    ["key", shown.key],
    ["attempts", shown.attempts],
    ["loop", state.node.loop],
  ];
  const skip = shown.skip;
  if (when) rows.push(["condition", when.text]);
  // Decided once the node is reached: false when it was skipped by it.
  if (when && shown.status !== "pending" && skip?.reason !== "dependency") rows.push(["when", skip?.reason !== "when"]);
  if (skip?.reason === "dependency") rows.push(["skipped", `it needs '${skip.node}', which was skipped`]);
  if (mapIndex !== undefined) rows.push(["map", `${state.node.args[mapIndex].text}${shown.elements ? `: ${shown.elements.finished} of ${shown.elements.count} elements` : ""}`]);
  if (element) rows.push(["index", element.index], ["count", element.count]);
  if (state.node.subgraph) rows.push(["subgraph", state.node.subgraph.file]);
  if (shown.error) rows.push(["error", shown.error.message]);
  return rows;
}
