// A property path into a value, as arguments and `when` conditions read it.
/**
 * Follows a property path (`["items", 0, "sku"]`) into a value: own properties, array and
 * string `length`, Map keys. Undefined where it leads nowhere (never into a prototype).
 */
export function valueAtPath(value: unknown, path: readonly (string | number)[]): unknown {
  let at = value;
  for (const segment of path) {
    if (at instanceof Map) at = at.get(segment);
    else if (segment === "length" && (typeof at === "string" || Array.isArray(at))) at = at.length;
    else if (typeof at === "object" && at !== null && Object.hasOwn(at, segment)) at = (at as Record<string | number, unknown>)[segment];
    else return undefined;
  }
  return at;
}
