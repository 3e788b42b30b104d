// What a decoded value may be: the kinds the runtime encodes, no value that contains itself,
// and a bounded size. devalue's parse only builds data, but a few bytes can still describe
// a sparse array of 2^32-1 elements or a tree of shared references that hashing and
// printing would walk for hours; this walk counts each reference again without descending
// twice into the same object, so it costs no more than the value's distinct parts.

/** Elements a decoded value may hold, unless its encoded text is longer (see maxDecodedElements). */
export const MAX_DECODED_ELEMENTS = 1_000_000;
/** How deep a decoded value may nest: far beyond real data, far below what overflows a stack. */
export const MAX_DECODED_DEPTH = 1000;

export class ValueDecodeError extends Error {}

/**
 * A value may hold as many elements as its encoded text has characters (a value written out
 * element by element can never exceed that), or MAX_DECODED_ELEMENTS, whichever is more.
 * Elements are array items (holes of a sparse array included), Map and Set entries and
 * object properties; a value reached from several places is counted each time.
 */
export function maxDecodedElements(encodedLength: number): number {
  return Math.max(MAX_DECODED_ELEMENTS, encodedLength);
}

export function tooManyElements(limit: number): ValueDecodeError {
  return new ValueDecodeError(`the decoded value holds more than ${limit.toLocaleString("en-US")} elements (array items, entries and properties, a shared value counted each time it is reached)`);
}

/** Throws ValueDecodeError when `root` is not a value the runtime could have encoded, within `limit` elements. */
export function assertDecodedValueBounded(root: unknown, limit: number): void {
  const sizes = new Map<object, number>();
  const onPath = new Set<object>();
  const tooLarge = () => tooManyElements(limit);

  const sizeOf = (value: unknown, depth: number): number => {
    if (value === null || typeof value !== "object") return 1;
    const known = sizes.get(value);
    if (known !== undefined) return known;
    if (onPath.has(value)) throw new ValueDecodeError("the decoded value contains itself");
    if (depth > MAX_DECODED_DEPTH) throw new ValueDecodeError(`the decoded value is nested more than ${MAX_DECODED_DEPTH} deep`);
    onPath.add(value);
    let size = 1;
    const add = (child: unknown) => {
      size += sizeOf(child, depth + 1);
      if (size > limit) throw tooLarge();
    };
    if (Array.isArray(value)) {
      if (value.length > limit) throw tooLarge();
      let present = 0;
      value.forEach((item) => {
        present++;
        add(item);
      });
      size += value.length - present;
      if (size > limit) throw tooLarge();
    } else if (value instanceof Map) {
      for (const [key, item] of value) {
        add(key);
        add(item);
      }
    } else if (value instanceof Set) {
      for (const item of value) add(item);
    } else if (!(value instanceof Date) && !isBytes(value)) {
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) throw new ValueDecodeError(`the decoded value holds ${describeKind(value)}, which is not a value Stepgraph encodes`);
      for (const key of Object.keys(value)) add((value as Record<string, unknown>)[key]);
    }
    onPath.delete(value);
    sizes.set(value, size);
    return size;
  };
  sizeOf(root, 0);
}

function isBytes(value: object): boolean {
  return Buffer.isBuffer(value) || Object.getPrototypeOf(value) === Uint8Array.prototype;
}

function describeKind(value: object): string {
  if (value instanceof Number || value instanceof String || value instanceof Boolean || value instanceof BigInt) return "a boxed primitive";
  const name = (value.constructor as { name?: unknown } | undefined)?.name;
  return typeof name === "string" && name !== "" ? `a ${name}` : "an object of an unknown kind";
}
