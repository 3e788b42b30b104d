// Checks the JSON a user types for Submit Job when no input file sits next to the graph:
// a job's payload is an object whose properties are the graph's inputs.
import * as l10n from "@vscode/l10n";
import { isRecord } from "./cli-json";

/** Why `text` is not a job payload, or undefined when it is one (the input box's validation). */
export function jobInputProblem(text: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return l10n.t("Not JSON: {0}", e instanceof Error ? e.message : String(e));
  }
  // No {0} placeholder here, so the example's braces stay as they are.
  return isRecord(value) ? undefined : l10n.t('A JSON object whose properties are the graph\'s inputs, e.g. {"order": {"id": 1}}');
}
