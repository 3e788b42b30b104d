// The calls a node makes: one, or one per element of its `map` argument, in both modes. The
// Orchestrator runs them all at once, or one by one while the debugger steps through the
// elements; a production worker runs them or spreads them over its loop's workers. A mapped
// value that is not an array fails the node, with a message naming it and what it is.
import type { NodeModel } from "../graph/model";
import type { NodeFailure } from "./node-state";

/** One call a node makes: the whole node, or one element of a `map`. */
export interface ElementCall {
  args: unknown[];
  index?: number;
  count?: number;
}

/**
 * The calls of a node with these argument values: one, or one per element of its `map`
 * argument (the element in its place, the others unchanged). A failure when the mapped
 * value is not an array.
 */
export function callsOf(node: Pick<NodeModel, "name" | "args" | "mapIndex">, args: unknown[]): ElementCall[] | NodeFailure {
  const mapIndex = node.mapIndex;
  if (mapIndex === undefined) return [{ args }];
  const list = args[mapIndex];
  if (!Array.isArray(list)) return { kind: "input", message: notAnArrayMessage(node.name, node.args[mapIndex].text, list) };
  return list.map((element, index) => ({ args: args.map((arg, i) => (i === mapIndex ? element : arg)), index, count: list.length }));
}

/** Element `index`'s call of a map node, without building the others; undefined when it has no such element. */
export function elementCall(node: Pick<NodeModel, "mapIndex">, args: unknown[], index: number): (ElementCall & { index: number; count: number }) | undefined {
  const mapIndex = node.mapIndex;
  const list = mapIndex === undefined ? undefined : args[mapIndex];
  if (!Array.isArray(list) || index >= list.length) return undefined;
  return { args: args.map((arg, i) => (i === mapIndex ? list[index] : arg)), index, count: list.length };
}

/** The message for a mapped value that is not an array. */
function notAnArrayMessage(node: string, argumentText: string, value: unknown): string {
  return `node '${node}' maps over ${argumentText}, which is ${describeKind(value)}, not an array`;
}

/** A value's kind, for a message: "a string", "null", "an object". */
function describeKind(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  const kind = value instanceof Map ? "Map" : value instanceof Set ? "Set" : value instanceof Date ? "Date" : typeof value;
  return `${/^[aeiouAEIOU]/.test(kind) ? "an" : "a"} ${kind}`;
}
