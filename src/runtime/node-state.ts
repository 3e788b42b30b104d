// What the Orchestrator knows of each node of the job it runs.
import type { NodeModel } from "../graph/model";
import type { NodeErrorInfo } from "./host-protocol";

export type NodeStatus = "pending" | "running" | "ran" | "cached" | "failed" | "skipped";

/** Where a finished node's output came from, as the debugger's Node scope shows it. */
export type CacheState = "hit" | "miss" | "off" | "edited";

export interface NodeFailure extends NodeErrorInfo {
  kind: "error" | "timeout" | "crash" | "cancelled" | "input";
}

export interface NodeState {
  node: NodeModel;
  status: NodeStatus;
  /** The argument values of the latest run (or of the stop before it). */
  args?: unknown[];
  /** The output, once the node finished. */
  value?: unknown;
  cache?: CacheState;
  /** The cache key of the latest run, when the cache is on for this node. */
  key?: string;
  /** How long finishing took this time: running it, or reading it from the cache. */
  durationMs?: number;
  /** How long the node ran when its output was computed (for a cached output: back then). */
  ranForMs?: number;
  attempts: number;
  error?: NodeFailure;
}

/** Finished and usable by the nodes downstream. */
export function isDone(state: NodeState): boolean {
  return state.status === "ran" || state.status === "cached";
}

/** A finished node as recorded for stepping back: a copy that later runs do not change. */
export type NodeRecord = Readonly<Omit<NodeState, "node">> & { name: string; finishedAt: number };
