// What production mode does not run of the language's version 2: a subgraph called with
// `map` (a subgraph call is inlined into its caller's loop as nodes of their own, which a
// per-element call does not fit). Such a graph is refused at deploy with one line naming the
// node, rather than run with other semantics than development mode's. Pins are not
// refused: production ignores them, and deploy warns for each.
import type { GraphModel, NodeModel } from "../graph/model";
import { GraphLoadError } from "../runtime/graph-loader";

export function refuseUnsupportedConstructs(graph: GraphModel): void {
  for (const { graph: owner, node } of everyNode(graph)) {
    if (node.subgraph !== undefined && node.mapIndex !== undefined) {
      throw new GraphLoadError(`${owner.file}:${node.line + 1}: node '${node.name}' maps over a subgraph call (${node.subgraph.alias}), which production mode does not run yet: it runs in development mode (stepgraph run, the debugger) only`);
    }
  }
}

/** One line per pinned node, the subgraphs' included: production runs the node and ignores its pin. */
export function pinWarnings(graph: GraphModel): string[] {
  return everyNode(graph)
    .filter(({ node }) => node.pin !== undefined)
    .map(({ graph: owner, node }) => `${owner.file}:${node.line + 1}: node '${node.name}' is pinned to ${node.pin}: production ignores pins and runs the node`);
}

/** The nodes of the graph and of every subgraph it calls, each subgraph file once. */
function everyNode(graph: GraphModel, seen = new Set<string>()): { graph: GraphModel; node: NodeModel }[] {
  if (seen.has(graph.file)) return [];
  seen.add(graph.file);
  return graph.nodes.flatMap((node) => [{ graph, node }, ...(node.subgraph ? everyNode(node.subgraph.graph, seen) : [])]);
}
