// The stopped event of a stop, described as a user reads it: before which node (of which
// subgraph), which node failed and how, or which was cancelled; before a node that failed in
// production, an exception stop with production's error.
import { StoppedEvent } from "@vscode/debugadapter";
import type { DebugProtocol } from "@vscode/debugprotocol";
import type { Orchestrator, StopReason } from "../src/runtime/orchestrator";
import type { ProductionStop } from "./replay-stops";
import { frameNodeName, type Frame } from "./stop-view";

export const THREAD_ID = 1;

export function stoppedEvent(reason: StopReason | "restart", top: Frame | undefined, topJob: Orchestrator, production: ProductionStop | undefined): DebugProtocol.StoppedEvent {
  if (production) {
    const event = new StoppedEvent("exception", THREAD_ID) as DebugProtocol.StoppedEvent;
    event.body.description = production.description;
    event.body.text = production.failure.error;
    return event;
  }
  // A cancelled node's stop is a pause for the client (DAP has no reason for it), described as what it is.
  const event = new StoppedEvent(reason === "cancel" ? "pause" : reason, THREAD_ID) as DebugProtocol.StoppedEvent;
  const name = top ? frameNodeName(top) : "";
  const where = top && top.job !== topJob ? ` of subgraph '${top.job.graph.name}'` : "";
  event.body.description = reason === "exception" ? `node '${name}' failed` : reason === "cancel" ? `node '${name}' was cancelled: stopped before it` : `before node '${name}'${where}`;
  if (reason === "exception" && top) event.body.text = top.job.state(top.node).error?.message;
  return event;
}
