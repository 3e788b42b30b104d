// What production mode does not run yet of the language's version 2: `map`, `when`, `REF?`
// and subgraph calls. A graph that uses them is refused at deploy with one line naming the
// node, rather than run with other semantics than development mode's. Pins are not refused:
// production ignores them, and deploy warns for each.
import type { GraphModel } from "../graph/model";
import { GraphLoadError } from "../runtime/graph-loader";

export function refuseUnsupportedConstructs(graph: GraphModel): void {
  for (const node of graph.nodes) {
    const construct =
      node.subgraph !== undefined ? `a subgraph call (${node.subgraph.alias})` : node.mapIndex !== undefined ? "`map`" : node.when !== undefined ? "`when`" : node.args.some((a) => a.kind !== "literal" && a.optional) ? "an optional reference (`?`)" : undefined;
    if (construct !== undefined) throw new GraphLoadError(`${graph.file}:${node.line + 1}: node '${node.name}' uses ${construct}, which production mode does not run yet: it runs in development mode (stepgraph run, the debugger) only`);
  }
}

/** One line per pinned node: production runs the node and ignores its pin. */
export function pinWarnings(graph: GraphModel): string[] {
  return graph.nodes.filter((n) => n.pin !== undefined).map((n) => `${graph.file}:${n.line + 1}: node '${n.name}' is pinned to ${n.pin}: production ignores pins and runs the node`);
}
