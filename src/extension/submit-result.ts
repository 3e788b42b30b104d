// What `stepgraph submit NAME --wait --json` reports (one JSON line per job), read
// defensively, and how the Submit Job command shows a job's outcome.
import * as l10n from "@vscode/l10n";
import { isRecord, jsonObjectLines } from "./cli-json";
import type { CliResult } from "./run-cli";

export interface JobOutcome {
  id: string;
  status: "done" | "dead";
  /** The graph's outputs by name, when done. */
  result?: unknown;
  /** What killed the job, when dead: a message, or an object with one. */
  error?: unknown;
}

/** Every job line of stdout; lines of another shape are skipped. */
export function parseJobOutcomes(stdout: string): JobOutcome[] {
  return jsonObjectLines(stdout).flatMap((line): JobOutcome[] => {
    const id = typeof line.id === "string" || typeof line.id === "number" ? String(line.id) : undefined;
    if (id === undefined || (line.status !== "done" && line.status !== "dead")) return [];
    return [{ id, status: line.status, result: line.result, error: line.error }];
  });
}

/** "Job 1 of orders: done", or "Job 1 of orders: dead (TypeError: ...)" with the error's first line. */
export function jobMessage(graph: string, job: JobOutcome): string {
  if (job.status === "done") return l10n.t("Job {0} of {1}: done", job.id, graph);
  return l10n.t("Job {0} of {1}: dead ({2})", job.id, graph, errorSummary(job.error));
}

/** The job's result or error as the output channel shows it, under its message. */
export function jobDetails(job: JobOutcome): string {
  const value = job.status === "done" ? job.result : job.error;
  return value === undefined ? "" : JSON.stringify(value, null, 2);
}

/** `submit --wait --timeout` ran out of time: exit 1 and "N job(s) still pending after S s" (a dead job prints its outcome instead). */
export function isStillPending(result: CliResult): boolean {
  return result.exitCode === 1 && /still pending/.test(result.stderr);
}

function errorSummary(error: unknown): string {
  const text = typeof error === "string" ? error : isRecord(error) && typeof error.message === "string" ? error.message : l10n.t("no error given");
  const firstLine = text.split(/\r?\n/, 1)[0].trim();
  return isRecord(error) && typeof error.node === "string" ? l10n.t("node {0}: {1}", error.node, firstLine) : firstLine;
}
