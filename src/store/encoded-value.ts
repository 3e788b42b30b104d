// Reading a cached output from its encoded form (as the runtime writes it with devalue):
// decoding, which only builds data (never runs code) and is bounded (decoded-bounds.ts),
// and a short printable preview for the language server's hover. The runtime and the
// production loops decode through here too.
import { parse } from "devalue";
import { inspect } from "node:util";
import { assertDecodedValueBounded, maxDecodedElements, tooManyElements, ValueDecodeError } from "./decoded-bounds";

export { MAX_DECODED_DEPTH, MAX_DECODED_ELEMENTS, ValueDecodeError } from "./decoded-bounds";

// The runtime encodes a Buffer as a custom type (values.ts); it comes back a Buffer. Only
// from base64 text: Buffer.from of an array-like `{ length: 10000000 }` would allocate it.
const revivers = {
  Buffer: (base64: unknown) => {
    if (typeof base64 !== "string") throw new ValueDecodeError("a Buffer is encoded as base64 text");
    return Buffer.from(base64, "base64");
  },
};

/** The value of an encoded output. Throws ValueDecodeError when the text is not one, or decodes into too much. */
export function decodeEncodedValue(text: string): unknown {
  const primitive = decodedPrimitive(text);
  if (primitive !== NOT_PRIMITIVE) return primitive;
  const limit = maxDecodedElements(text.length);
  let value: unknown;
  try {
    value = parse(text, revivers, {
      // devalue itself allocates nothing for a sparse array's length; refusing it here is only sooner.
      operations: {
        createSparseArray: (length: number) => {
          if (length > limit) throw tooManyElements(limit);
          return new Array<unknown>(length);
        },
      },
    });
  } catch (e) {
    if (e instanceof ValueDecodeError) throw e;
    throw new ValueDecodeError(`not an encoded value (${e instanceof Error ? e.message : String(e)})`);
  }
  assertDecodedValueBounded(value, limit);
  return value;
}

const NOT_PRIMITIVE = Symbol("not a primitive");

/**
 * The value of `[P]`, P a number, boolean, null or string: how devalue writes one of those
 * (an array whose only entry is the value), read without devalue's walk, which a production
 * worker would otherwise pay for on every value it reads. Anything else goes to devalue.
 */
function decodedPrimitive(text: string): unknown {
  // An object or an array is written `[[...`, `[{...`: not parsed twice.
  const second = text.charCodeAt(1);
  if (text.charCodeAt(0) !== 91 /* [ */ || second === 91 || second === 123 /* { */) return NOT_PRIMITIVE;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return NOT_PRIMITIVE;
  }
  if (!Array.isArray(parsed) || parsed.length !== 1) return NOT_PRIMITIVE;
  const value: unknown = parsed[0];
  return value === null || typeof value !== "object" ? value : NOT_PRIMITIVE;
}

/** At most `maxLength` characters of the value as util.inspect shows it, or why it cannot be shown. */
export function previewEncodedValue(text: string, maxLength = 500): string {
  let value: unknown;
  try {
    value = decodeEncodedValue(text);
  } catch {
    return "(the cached value cannot be decoded)";
  }
  const shown = inspect(value, { depth: 3, maxArrayLength: 20, maxStringLength: 200, breakLength: 80, compact: 3, sorted: false });
  return shown.length > maxLength ? `${shown.slice(0, maxLength - 1)}…` : shown;
}
