// Where a goto (the debugger's Jump to Cursor) takes a job, worked out on the graph alone:
// which nodes the target needs before it can be stopped before (everything upstream of it),
// and, for a jump back to a node that has finished, which nodes become pending again (it
// and everything downstream of it). The Orchestrator carries the plan out.
import type { GraphModel } from "../graph/model";

/** Every node `name` uses, directly or through others (not `name` itself). */
export function upstreamOf(graph: GraphModel, name: string): Set<string> {
  const found = new Set<string>();
  const queue = [...nodeOf(graph, name).dependencies];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    if (found.has(next)) continue;
    found.add(next);
    queue.push(...nodeOf(graph, next).dependencies);
  }
  return found;
}

/** `name` and every node that uses it, directly or through others, in the graph's order. */
export function itAndDownstream(graph: GraphModel, name: string): string[] {
  const found = new Set([name]);
  const queue = [...nodeOf(graph, name).dependents];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    if (found.has(next)) continue;
    found.add(next);
    queue.push(...nodeOf(graph, next).dependents);
  }
  return graph.nodes.filter((n) => found.has(n.name)).map((n) => n.name);
}

function nodeOf(graph: GraphModel, name: string) {
  const node = graph.nodesByName.get(name);
  if (!node) throw new Error(`no node '${name}' in graph '${graph.name}'`);
  return node;
}
