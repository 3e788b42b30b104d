// The values that flow between nodes: JSON plus undefined, Date, Map, Set, BigInt,
// Uint8Array/Buffer, NaN/Infinity, nested. Encoded with devalue (whose parse only builds
// data, never runs code); checked first so that anything else is refused with the path
// inside the value where it was found.
import { stringify } from "devalue";
import { decodeEncodedValue } from "../store/encoded-value";
import { createHash, type Hash } from "node:crypto";

// Property paths are the language's (a condition reads them too): one rule for both.
export { valueAtPath } from "../graph/value-path";

/** A value outside the supported set; `path` is where inside the value, like `items[2].price`. */
export class UnserializableValueError extends Error {
  constructor(
    readonly path: string,
    readonly found: string,
  ) {
    super(`${found} at ${path === "" ? "the top level" : path} cannot be serialized (supported: JSON values, undefined, Date, Map, Set, BigInt, Uint8Array/Buffer, NaN and Infinity)`);
  }
}

// devalue knows Uint8Array but not its Buffer subclass; this keeps a Buffer a Buffer (the
// store's decodeEncodedValue revives it).
const reducers = { Buffer: (value: unknown) => Buffer.isBuffer(value) && value.toString("base64") };

export function encodeValue(value: unknown): string {
  const primitive = encodedPrimitive(value);
  if (primitive !== undefined) return primitive;
  assertSerializable(value);
  return stringify(value, reducers);
}

/**
 * A character devalue would escape (its own test), or any surrogate (it escapes a lone one):
 * a string with none it writes as it is, and only such a string takes the short way.
 */
// eslint-disable-next-line no-control-regex -- the control characters are what is looked for
const NEEDS_ESCAPE = /["<\\\u0000-\u001f\u2028\u2029\ud800-\udfff]/;

/**
 * What devalue writes for a finite number, a boolean, null or a string it need not escape,
 * written without it: most values between nodes are one, and devalue's walk (its options,
 * its index of values seen) costs a production worker more than the node call. The same
 * text, character for character (test/runtime/values.test.ts holds them side by side).
 */
function encodedPrimitive(value: unknown): string | undefined {
  switch (typeof value) {
    case "number":
      return Number.isFinite(value) && !Object.is(value, -0) ? `[${String(value)}]` : undefined;
    case "boolean":
      return value ? "[true]" : "[false]";
    case "string":
      return NEEDS_ESCAPE.test(value) ? undefined : `["${value}"]`;
    default:
      return value === null ? "[null]" : undefined;
  }
}

/** Decodes what encodeValue produced. Throws on anything else. */
export const decodeValue = decodeEncodedValue;

/** Throws UnserializableValueError for the first value outside the supported set. */
export function assertSerializable(root: unknown): void {
  const ancestors = new Set<object>();
  const visit = (value: unknown, path: string): void => {
    if (value === null || typeof value !== "object") {
      if (typeof value === "function") throw new UnserializableValueError(path, `a function${value.name ? ` (${value.name})` : ""}`);
      if (typeof value === "symbol") throw new UnserializableValueError(path, "a symbol");
      return;
    }
    if (ancestors.has(value)) throw new UnserializableValueError(path, "a cycle (a value that contains itself)");
    const kind = plainKind(value);
    if (kind === undefined) throw new UnserializableValueError(path, describeInstance(value));
    if (kind === "leaf") return;
    ancestors.add(value);
    if (kind === "array") (value as unknown[]).forEach((item, i) => visit(item, `${path}[${i}]`));
    else if (kind === "map") {
      let i = 0;
      for (const [key, item] of value as Map<unknown, unknown>) {
        visit(key, `${path}.<key ${i}>`);
        visit(item, `${path}.get(${typeof key === "string" ? JSON.stringify(key) : String(key)})`);
        i++;
      }
    } else if (kind === "set") {
      let i = 0;
      for (const item of value as Set<unknown>) visit(item, `${path}.<item ${i++}>`);
    } else {
      for (const [key, item] of Object.entries(value)) visit(item, path === "" ? key : `${path}.${key}`);
    }
    ancestors.delete(value);
  };
  visit(root, "");
}

type PlainKind = "leaf" | "array" | "map" | "set" | "object";

function plainKind(value: object): PlainKind | undefined {
  if (Array.isArray(value)) return "array";
  if (value instanceof Date || value instanceof Uint8Array) return "leaf";
  if (value instanceof Map) return "map";
  if (value instanceof Set) return "set";
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null ? "object" : undefined;
}

function describeInstance(value: object): string {
  const name = (value.constructor as { name?: string } | undefined)?.name;
  return name ? `an instance of ${name}` : "an object with a custom prototype";
}

/**
 * A hash of a value that is the same for equal values: object keys are taken in sorted
 * order, Map and Set entries in their order. Used for cache keys.
 */
export function hashValue(value: unknown): string {
  const hash = createHash("sha256");
  feed(hash, value);
  return hash.digest("hex");
}

function feed(hash: Hash, value: unknown): void {
  if (value === undefined) return void hash.update("u;");
  if (value === null) return void hash.update("n;");
  switch (typeof value) {
    case "number":
      return void hash.update(`d${Object.is(value, -0) ? "-0" : String(value)};`);
    case "bigint":
      return void hash.update(`b${value};`);
    case "string":
      return void hash.update(`s${value.length}:${value};`);
    case "boolean":
      return void hash.update(value ? "t;" : "f;");
  }
  if (Array.isArray(value)) {
    hash.update(`a${value.length}[`);
    for (const item of value) feed(hash, item);
    return void hash.update("]");
  }
  if (value instanceof Date) return void hash.update(`D${value.getTime()};`);
  if (value instanceof Uint8Array) {
    hash.update(`B${Buffer.isBuffer(value) ? "b" : "u"}${value.byteLength}:`);
    return void hash.update(value);
  }
  if (value instanceof Map) {
    hash.update(`M${value.size}{`);
    for (const [k, v] of value) {
      feed(hash, k);
      feed(hash, v);
    }
    return void hash.update("}");
  }
  if (value instanceof Set) {
    hash.update(`S${value.size}{`);
    for (const item of value) feed(hash, item);
    return void hash.update("}");
  }
  const keys = Object.keys(value as object).sort();
  hash.update(`o${keys.length}{`);
  for (const key of keys) {
    hash.update(`${key.length}:${key}=`);
    feed(hash, (value as Record<string, unknown>)[key]);
  }
  hash.update("}");
}

/**
 * The value as plain JSON for `--json` output and other JSON-only consumers: Date → ISO
 * string, Map → object (or [key, value] pairs when a key is not a string), Set → array,
 * BigInt → decimal string, Uint8Array → base64 string, NaN/Infinity → null, undefined
 * in objects left out and in arrays → null.
 */
export function toJsonValue(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  switch (typeof value) {
    case "number":
      return Number.isFinite(value) ? value : null;
    case "bigint":
      return value.toString();
    case "string":
    case "boolean":
      return value;
  }
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64");
  if (value instanceof Set) return [...value].map(toJsonValue);
  if (value instanceof Map) {
    const entries = [...value];
    return entries.every(([k]) => typeof k === "string")
      ? Object.fromEntries(entries.map(([k, v]) => [k, toJsonValue(v)]))
      : entries.map(([k, v]) => [toJsonValue(k), toJsonValue(v)]);
  }
  return Object.fromEntries(
    Object.entries(value as object)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, toJsonValue(v)]),
  );
}
