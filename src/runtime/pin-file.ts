// The pin file of a node (`[pin: "PATH"]`): one JSON value, where what JSON cannot hold is
// written as a tagged object `{"$stepgraph": TAG, "value": ...}` (docs/language.md, "Pins"),
// so that a pinned value reads back exactly as it was pinned.

const TAG = "$stepgraph";

/** A pin file that does not hold a pin value; `path` is where inside the value. */
class PinFormatError extends Error {}

/** The value a pin file's text holds. Throws PinFormatError (or SyntaxError for bad JSON). */
export function parsePinText(text: string): unknown {
  return fromPinJson(JSON.parse(text) as unknown, "");
}

/** A value a pin file cannot hold: one that contains itself (JSON has no references). */
export class PinValueError extends Error {}

/** The text of a pin file holding `value` (a value of the kinds nodes may return). Throws PinValueError for a value that contains itself. */
export function pinText(value: unknown): string {
  return `${JSON.stringify(toPinJson(value, new Set(), ""), null, 2)}\n`;
}

/** `inside`: the objects being written around `value`, to find a value that contains itself. */
function toPinJson(value: unknown, inside: Set<object>, path: string): unknown {
  if (value === undefined) return { [TAG]: "undefined" };
  if (typeof value === "number") {
    if (Number.isNaN(value)) return { [TAG]: "number", value: "NaN" };
    if (value === Infinity || value === -Infinity) return { [TAG]: "number", value: String(value) };
    if (Object.is(value, -0)) return { [TAG]: "number", value: "-0" };
    return value;
  }
  if (typeof value === "bigint") return { [TAG]: "bigint", value: value.toString() };
  if (value === null || typeof value !== "object") return value;
  if (value instanceof Date) return { [TAG]: "Date", value: Number.isNaN(value.getTime()) ? null : value.toISOString() };
  if (value instanceof Uint8Array) return { [TAG]: "Uint8Array", value: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64") };
  if (inside.has(value)) throw new PinValueError(`the value contains itself (at ${path === "" ? "the top level" : path}), which a pin file cannot hold`);
  inside.add(value);
  try {
    const child = (item: unknown, step: string) => toPinJson(item, inside, path === "" ? step : `${path}${step.startsWith("[") || step.startsWith("<") ? "" : "."}${step}`);
    if (value instanceof Map) return { [TAG]: "Map", value: [...value].map(([k, v], i) => [child(k, `<key ${i}>`), child(v, `<value ${i}>`)]) };
    if (value instanceof Set) return { [TAG]: "Set", value: [...value].map((item, i) => child(item, `<item ${i}>`)) };
    if (Array.isArray(value)) return value.map((item, i) => child(item, `[${i}]`));
    const object = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, child(v, k)]));
    return Object.hasOwn(value, TAG) ? { [TAG]: "object", value: object } : object;
  } finally {
    // A value shared in two places (not inside itself) is written twice, as before.
    inside.delete(value);
  }
}

function fromPinJson(json: unknown, path: string): unknown {
  if (Array.isArray(json)) return json.map((item, i) => fromPinJson(item, `${path}[${i}]`));
  if (json === null || typeof json !== "object") return json;
  const object = json as Record<string, unknown>;
  if (!Object.hasOwn(object, TAG)) return plainObject(object, path);
  const tag = object[TAG];
  const fail = (what: string): never => {
    throw new PinFormatError(`${what} at ${path === "" ? "the top level" : path}`);
  };
  if (tag === "undefined") return undefined;
  if (!Object.hasOwn(object, "value")) return fail(`a tagged value ("${String(tag)}") without "value"`);
  const inner = object.value;
  switch (tag) {
    case "number":
      if (inner === "NaN") return NaN;
      if (inner === "Infinity") return Infinity;
      if (inner === "-Infinity") return -Infinity;
      if (inner === "-0") return -0;
      return fail(`a number tag holding ${JSON.stringify(inner)} (expected "NaN", "Infinity", "-Infinity" or "-0")`);
    case "bigint":
      if (typeof inner === "string" && /^-?\d+$/.test(inner)) return BigInt(inner);
      return fail(`a bigint tag holding ${JSON.stringify(inner)} (expected decimal digits)`);
    case "Date":
      if (inner === null) return new Date(NaN);
      if (typeof inner === "string" && !Number.isNaN(Date.parse(inner))) return new Date(inner);
      return fail(`a Date tag holding ${JSON.stringify(inner)} (expected an ISO 8601 date)`);
    case "Map":
      if (!Array.isArray(inner) || !inner.every((e) => Array.isArray(e) && e.length === 2)) return fail("a Map tag whose value is not a list of [key, value] pairs");
      return new Map((inner as unknown[][]).map(([k, v], i) => [fromPinJson(k, `${path}<key ${i}>`), fromPinJson(v, `${path}<value ${i}>`)]));
    case "Set":
      if (!Array.isArray(inner)) return fail("a Set tag whose value is not a list");
      return new Set(inner.map((item, i) => fromPinJson(item, `${path}<item ${i}>`)));
    case "Uint8Array":
      if (typeof inner === "string" && /^[A-Za-z0-9+/]*={0,2}$/.test(inner)) return new Uint8Array(Buffer.from(inner, "base64"));
      return fail("a Uint8Array tag whose value is not base64 text");
    case "object":
      if (inner === null || typeof inner !== "object" || Array.isArray(inner)) return fail("an object tag whose value is not an object");
      return plainObject(inner as Record<string, unknown>, path);
    default:
      return fail(`an unknown tag ${JSON.stringify(tag)}`);
  }
}

function plainObject(object: Record<string, unknown>, path: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, fromPinJson(v, path === "" ? k : `${path}.${k}`)]));
}
