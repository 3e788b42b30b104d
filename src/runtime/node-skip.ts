// Whether a node is skipped (docs/language.md, "Skips"): a node it needs without `?` was
// skipped, or its `when` condition does not hold (evaluated by Stepgraph, never as JavaScript).
import { evaluateCondition } from "../graph/condition";
import type { NodeModel } from "../graph/model";

export type SkipReason = { reason: "when" } | { reason: "dependency"; node: string };

/** `valueOf` gives an input's value or a node's output, undefined for a skipped node. */
export function skipReason(node: Pick<NodeModel, "requiredDependencies" | "when">, isSkipped: (name: string) => boolean, valueOf: (name: string) => unknown): SkipReason | undefined {
  const skippedDependency = node.requiredDependencies.find(isSkipped);
  if (skippedDependency !== undefined) return { reason: "dependency", node: skippedDependency };
  if (node.when && !evaluateCondition(node.when.expr, valueOf)) return { reason: "when" };
  return undefined;
}
