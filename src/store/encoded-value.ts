// Reading a cached output from its encoded form (as the runtime writes it with devalue):
// decoding, which only builds data (never runs code), and a short printable preview for
// the language server's hover. The runtime decodes through here too.
import { parse } from "devalue";
import { inspect } from "node:util";

// The runtime encodes a Buffer as a custom type (values.ts); it comes back a Buffer.
const revivers = { Buffer: (base64: string) => Buffer.from(base64, "base64") };

/** The value of an encoded output. Throws when the text is not one. */
export function decodeEncodedValue(text: string): unknown {
  return parse(text, revivers);
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
