// What a picture of the graph shows of a job while it runs: each node's state as a user
// reads it (with a one-line why), the node the run is stopped at, a map node's progress.
// Built from the Orchestrator's node states on demand; the debug adapter sends it to the
// editor's graph view.
import { dirname, relative } from "node:path";
import type { NodeModel } from "../graph/model";
import { formatAge } from "../store/entry-age";
import type { NodeState } from "./node-state";
import type { Orchestrator } from "./orchestrator";

/**
 * `edited`: its output was set from the debugger. `stale`: it had finished, and a change
 * upstream (an edit, a re-run) or a jump back (goto) made it pending again. A node the job ended without
 * (because a node it needs failed) is `pending`, its why saying so. In a replay, a node
 * whose output production recorded is `cached` (its why says from where), and one that
 * cannot run here `pending` with why.
 */
/**
 * The name of the DAP custom event the debug adapter sends a RunView in. Written here, by
 * the RunView, so that the adapter (which sends it) and the extension (which listens for
 * it, and must not import the adapter's @vscode/debugadapter) share one spelling of it.
 */
export const RUN_VIEW_EVENT = "stepgraphRunView";

/**
 * The DAP custom request (no arguments) the adapter answers with the RunView as it is now:
 * for a graph view opened while a session runs, which has missed the events so far. It has
 * the event's name.
 */
export const RUN_VIEW_REQUEST = RUN_VIEW_EVENT;

export type NodeViewState = "pending" | "running" | "ran" | "cached" | "pinned" | "skipped" | "failed" | "edited" | "stale";

export interface NodeView {
  state: NodeViewState;
  /** How long finishing it took this time (running it, or reading it from the cache). */
  durationMs?: number;
  /** One line saying why it is in this state. */
  why?: string;
  /** A `map` node's elements once it has started (or is stopped before its element 0). */
  elements?: { finished: number; count: number };
}

export interface RunView {
  graph: string;
  /** Absolute path of the `.graph` file. */
  file: string;
  /** The node of this graph the run is stopped at, or inside (a subgraph node entered, a map node between elements). */
  current?: string;
  finished: boolean;
  /** By node name, every node of the graph. */
  nodes: Record<string, NodeView>;
}

export function runView(orchestrator: Orchestrator): RunView {
  const now = Date.now();
  const [level, inner] = orchestrator.levels;
  const nodes: Record<string, NodeView> = {};
  for (const node of orchestrator.graph.nodes) {
    const state = orchestrator.state(node.name);
    const view = nodeView(orchestrator, state, now);
    const elements = state.elements ?? (level?.node === node.name && level.element ? { finished: level.element.index, count: level.element.count } : undefined);
    if (elements) view.elements = { finished: elements.finished, count: elements.count };
    if (inner && level.node === node.name && node.subgraph) view.why = `stopped inside subgraph '${node.subgraph.alias}'`;
    nodes[node.name] = view;
  }
  const current = orchestrator.current;
  return { graph: orchestrator.graph.name, file: orchestrator.graph.file, ...(current === undefined ? {} : { current }), finished: orchestrator.finished, nodes };
}

function nodeView(orchestrator: Orchestrator, state: NodeState, now: number): NodeView {
  const { node } = state;
  // To a tenth of a millisecond: the view is sent often, and read by people.
  const finished = (view: NodeView): NodeView => (state.durationMs === undefined ? view : { ...view, durationMs: Math.round(state.durationMs * 10) / 10 });
  switch (state.status) {
    case "running":
      return { state: "running" };
    case "pending":
      if (state.jumpedBackTo !== undefined) return { state: "stale", why: `the debugger jumped back to '${state.jumpedBackTo}': runs again` };
      return state.staleBecause === undefined ? { state: "pending" } : { state: "stale", why: `'${state.staleBecause}' changed upstream, runs again` };
    case "not-run": {
      if (state.outOfReach !== undefined) return { state: "pending", why: `not run: it ${state.outOfReach}` };
      const failed = failedUpstream(orchestrator, node);
      return { state: "pending", why: failed === undefined ? "not run" : `not run: '${failed}' failed` };
    }
    case "failed":
      return finished({ state: "failed", why: state.error?.message ?? "failed" });
    case "skipped":
      return finished({ state: "skipped", why: state.skip?.reason === "dependency" ? `needs '${state.skip.node}', which was skipped` : `its condition is false: ${node.when?.text ?? ""}`.trim() });
    case "pinned":
      return finished({ state: "pinned", why: `from ${node.pin === undefined ? "its pin file" : relative(dirname(orchestrator.graph.file), node.pin)}` });
    // A replay's output from production: shown as an output the node did not compute here.
    case "recorded":
      return finished({ state: "cached", why: "recorded by production for the replayed job" });
    case "ran":
    case "cached":
      if (state.cache === "edited") return finished({ state: "edited", why: editedWhy(orchestrator, state, now) });
      if (state.status === "cached") return finished({ state: "cached", why: cachedWhy(state, now) });
      return finished({ state: "ran", why: ranWhy(orchestrator, state) });
  }
}

function ranWhy(orchestrator: Orchestrator, state: NodeState): string {
  const { node } = state;
  if (state.rerun) return "re-run from the debugger";
  if (node.subgraph) return `not every node of subgraph '${node.subgraph.alias}' came from the cache`;
  if (state.cache === "off") return node.options.cache?.kind === "off" ? "the node has cache: off" : "the cache is off";
  if (orchestrator.cacheMode === "refresh") return "cache refresh: every node runs again";
  // What changed since its last cached run (run-reason.ts), as the Node scope shows it.
  return state.why ?? "not in the cache";
}

function cachedWhy(state: NodeState, now: number): string {
  const { node } = state;
  if (node.subgraph) return `every node of subgraph '${node.subgraph.alias}' came from the cache`;
  return state.computedAt === undefined ? "read from the cache" : `read from the cache, computed ${formatAge(now - state.computedAt)}`;
}

/** Edited now, in this session; or read from the cache, where an edit of an earlier one left it. */
function editedWhy(orchestrator: Orchestrator, state: NodeState, now: number): string {
  const name = state.node.name;
  const record = orchestrator.history.findLast((r) => r.name === name);
  const fromCache = record?.cache === "edited" && record.computedAt === state.computedAt;
  if (!fromCache || state.computedAt === undefined) return "edited in the debugger";
  return `edited in the debugger ${formatAge(now - state.computedAt)}, read from the cache`;
}

/** The failed node upstream of a node the job ended without (the nearest, breadth-first). */
function failedUpstream(orchestrator: Orchestrator, node: NodeModel): string | undefined {
  const queue = [...node.dependencies];
  for (let i = 0; i < queue.length; i++) {
    const state = orchestrator.state(queue[i]);
    if (state.status === "failed") return queue[i];
    for (const dependency of state.node.dependencies) if (!queue.includes(dependency)) queue.push(dependency);
  }
  return undefined;
}
