// A short, printable preview of a cached output, read straight from its encoded form.
// The store does not depend on the runtime, so it decodes here with devalue's parse,
// which only builds data (never runs code); a Buffer is revived as the runtime writes it.
import { parse } from "devalue";
import { inspect } from "node:util";

const revivers = { Buffer: (base64: string) => Buffer.from(base64, "base64") };

/** At most `maxLength` characters of the value as util.inspect shows it, or why it cannot be shown. */
export function previewEncodedValue(text: string, maxLength = 500): string {
  let value: unknown;
  try {
    value = parse(text, revivers);
  } catch {
    return "(the cached value cannot be decoded)";
  }
  const shown = inspect(value, { depth: 3, maxArrayLength: 20, maxStringLength: 200, breakLength: 80, compact: 3, sorted: false });
  return shown.length > maxLength ? `${shown.slice(0, maxLength - 1)}…` : shown;
}
