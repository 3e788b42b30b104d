// What production mode ignores of the language's version 2: pins. Production runs a pinned
// node, and deploy warns for each.
import type { GraphModel, NodeModel } from "../graph/model";

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
