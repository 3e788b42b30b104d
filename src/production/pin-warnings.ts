// What production mode ignores of the language's version 2: pins. Production runs a pinned
// node, and deploy warns for each.
import { nodesWithSubgraphs, type GraphModel } from "../graph/model";

/** One line per pinned node, the subgraphs' included: production runs the node and ignores its pin. */
export function pinWarnings(graph: GraphModel): string[] {
  return nodesWithSubgraphs(graph)
    .filter(({ node }) => node.pin !== undefined)
    .map(({ graph: owner, node }) => `${owner.file}:${node.line + 1}: node '${node.name}' is pinned to ${node.pin}: production ignores pins and runs the node`);
}
