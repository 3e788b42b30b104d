// What a `map` argument must hold: an array. Anything else fails the node, in both modes,
// with a message naming the node and what the value is.

/** The message for a mapped value that is not an array; undefined when it is one. */
export function notAnArrayMessage(node: string, argumentText: string, value: unknown): string | undefined {
  if (Array.isArray(value)) return undefined;
  return `node '${node}' maps over ${argumentText}, which is ${describeKind(value)}, not an array`;
}

/** A value's kind, for a message: "a string", "null", "an object". */
export function describeKind(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  const kind = value instanceof Map ? "Map" : value instanceof Set ? "Set" : value instanceof Date ? "Date" : typeof value;
  return `${/^[aeiouAEIOU]/.test(kind) ? "an" : "a"} ${kind}`;
}
