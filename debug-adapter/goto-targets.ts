// Jump to Cursor (DAP gotoTargets and goto), translated: the target on a line of the
// launched graph's file (the node whose statement covers the line), and the node a target
// id stands for. A target's id is its node's place in the graph's order plus one, so the
// same node has the same id at every stop. The jump itself is the Orchestrator's goto().
import type { DebugProtocol } from "@vscode/debugprotocol";
import type { GraphModel } from "../src/graph/model";
import { normalizePath } from "../src/runtime/node-breakpoints";

/**
 * The targets at zero-based `line` of the file at `path`: one on any line of a node
 * statement of the launched graph, none elsewhere (comments, inputs, other files, a
 * subgraph's file). `clientLine` converts a zero-based line to the client's.
 */
export function gotoTargetsAt(graph: GraphModel, path: string | undefined, line: number, clientLine: (line: number) => number): DebugProtocol.GotoTarget[] {
  if (path === undefined || normalizePath(path) !== normalizePath(graph.file)) return [];
  const index = graph.nodes.findIndex(({ statement: { range } }) => range.start.line <= line && line <= range.end.line);
  if (index < 0) return [];
  const node = graph.nodes[index];
  const { start, end } = node.statement.range;
  return [{ id: index + 1, label: `${node.name} = ${node.callText}(…)`, line: clientLine(start.line), endLine: clientLine(end.line) }];
}

/** The node of a target id that gotoTargetsAt gave; undefined for any other id. */
export function gotoTargetNode(graph: GraphModel, id: number): string | undefined {
  return Number.isInteger(id) && id >= 1 ? graph.nodes[id - 1]?.name : undefined;
}
