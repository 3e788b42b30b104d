// What the Orchestrator knows of each node of the job it runs.
import type { NodeModel } from "../graph/model";
import type { NodeErrorInfo } from "./host-protocol";
import type { SkipReason } from "./node-skip";

/**
 * `skipped`: its `when` did not hold, or it needs a skipped node (without `?`): it has no
 * output, by design. `not-run`: the job ended without it because a node it needs failed
 * (or, in a replay, because a value it needs was not recorded). `recorded`: in a replay,
 * its output is the one production recorded for the job; it did not run.
 */
export type NodeStatus = "pending" | "running" | "ran" | "cached" | "pinned" | "recorded" | "failed" | "skipped" | "not-run";

/** Where a finished node's output came from, as the debugger's Node scope shows it. */
export type CacheState = "hit" | "miss" | "off" | "edited" | "pinned" | "recorded";

export interface NodeFailure extends NodeErrorInfo {
  kind: "error" | "timeout" | "crash" | "cancelled" | "input";
  /** For a `map` node: the element that failed. */
  element?: number;
}

export interface NodeState {
  node: NodeModel;
  status: NodeStatus;
  /** The argument values of the latest run (or of the stop before it). */
  args?: unknown[];
  /** The output, once the node finished. */
  value?: unknown;
  cache?: CacheState;
  /** Why it ran (on a miss, what changed since its last cached run), or the run its cached output came from (run-reason.ts). */
  why?: string;
  /** The cache key of the latest run, when the cache is on for this node. */
  key?: string;
  /** How long finishing took this time: running it, or reading it from the cache. */
  durationMs?: number;
  /** How long the node ran when its output was computed (for a cached output: back then). */
  ranForMs?: number;
  attempts: number;
  error?: NodeFailure;
  /** Why a skipped node was skipped: its condition was false, or a node it needs was skipped. */
  skip?: SkipReason;
  /** A `map` node's elements: how many, and how many have finished. */
  elements?: { count: number; finished: number };
  /** When its output came to be (epoch ms): computed now, written to the cache back then, or edited. */
  computedAt?: number;
  /** Its latest run was a re-run the debugger asked for (the cache skipped). */
  rerun?: boolean;
  /** Set when it had finished and was made pending again by a change of this node upstream (an edit, a re-run); cleared when it starts again. */
  staleBecause?: string;
  /** Set when it had finished and a goto to it, or to a node upstream of it, made it pending again (a jump back); cleared when it starts again. */
  jumpedBackTo?: string;
  /** In a replay, a node that cannot run here: why (a value it needs was not recorded). It never starts. */
  outOfReach?: string;
}

/** Finished with an output the nodes downstream can use. */
export function isDone(state: Pick<NodeState, "status">): boolean {
  return state.status === "ran" || state.status === "cached" || state.status === "pinned" || state.status === "recorded";
}

/** Finished either way: done, or skipped (the nodes downstream may run, and see it skipped). */
export function isSettled(state: Pick<NodeState, "status">): boolean {
  return isDone(state) || state.status === "skipped";
}

/** A finished node as recorded for stepping back: a copy that later runs do not change. */
export type NodeRecord = Readonly<Omit<NodeState, "node">> & { name: string; finishedAt: number };
