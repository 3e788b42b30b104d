// Which nodes may be skipped: a node with `when`, and a node that needs (references without
// `?`) a node that may be skipped.
import { topologicalOrder } from "./graph-algorithms";

/**
 * For each node, whether it may be skipped. `required[i]` are the nodes node i references
 * without `?`; `dependents[i]` the nodes that reference node i. Nodes on a cycle (an error
 * of its own) count as skippable, so that they raise no further warnings.
 */
export function mayBeSkipped(hasWhen: readonly boolean[], required: readonly (readonly number[])[], dependents: readonly (readonly number[])[]): boolean[] {
  const skippable = hasWhen.map(() => true);
  for (const i of topologicalOrder(hasWhen.length, dependents)) {
    skippable[i] = hasWhen[i] || required[i].some((d) => skippable[d]);
  }
  return skippable;
}
