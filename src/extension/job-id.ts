// The job id Retry Job acts on: the command's argument (the production view passes one),
// else what the user types, checked as the CLI checks it.
import * as l10n from "@vscode/l10n";
import { isJobId } from "../production/job-partition";

/** The job id an argument gives: a job id as a string or a number, or an object with one as `job`; else undefined (ask). */
export function jobIdArgument(argument: unknown): string | undefined {
  const value = typeof argument === "object" && argument !== null && !Array.isArray(argument) ? (argument as { job?: unknown }).job : argument;
  const text = typeof value === "number" ? String(value) : typeof value === "string" ? value.trim() : undefined;
  return text !== undefined && isJobId(text) ? text : undefined;
}

/** Why `text` is not a job id, or undefined when it is one (the input box's validation). */
export function jobIdProblem(text: string): string | undefined {
  return isJobId(text.trim()) ? undefined : l10n.t("A job id, as Submit Job and the dead-letter list show it: 17, or 17@3 for a partitioned graph");
}
