// Checks the JSON a user types for Submit Job when no input file sits next to the graph:
// a job's payload is an object whose properties are the graph's inputs.
import { isRecord } from "./cli-json";

/** Why `text` is not a job payload, or undefined when it is one (the input box's validation). */
export function jobInputProblem(text: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return `Not JSON: ${e instanceof Error ? e.message : String(e)}`;
  }
  return isRecord(value) ? undefined : "A JSON object whose properties are the graph's inputs, e.g. {\"order\": {\"id\": 1}}";
}
