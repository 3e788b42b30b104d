// What the production view shows, read from the CLI as one snapshot: the graphs deployed to
// the Redis (`stepgraph graphs --json`), and for each its status, its dead jobs and its
// capture points with their latest records (`status`, `dead list`, `captures`, all --json).
// Everything comes from another process, so every shape is checked; a part that cannot be
// read is a problem line of its graph, not a failure of the whole view.
import * as l10n from "@vscode/l10n";
import { isRecord, lastJsonValue } from "../cli-json";
import { capturesArguments, deadListArguments, graphsArguments, statusArguments, type ProductionRedis } from "../production-arguments";
import { parseProductionStatus, type ProductionStatus } from "../production-status";
import type { CliResult } from "../run-cli";

/** The dead jobs listed under a graph at most (the rest are counted in the loop rows). */
export const MAX_DEAD_ROWS = 100;

export interface DeadJobRow {
  id: string;
  loop: string;
  node: string;
  /** For a map node: the element that failed. */
  element?: number;
  attempts: number;
  error: string;
  /** Epoch milliseconds. */
  diedAt?: number;
}

export interface CaptureRecordRow {
  job: string;
  worker: string;
  attempt: number;
  /** ISO time the call ended. */
  at: string;
  durationMs: number;
  args: unknown;
  output?: unknown;
  error?: string;
}

export interface CaptureRow {
  id: string;
  node: string;
  /** How many calls it records in all. */
  count: number;
  recorded: number;
  where?: string;
  records: CaptureRecordRow[];
}

export interface GraphSnapshot {
  graph: string;
  status?: ProductionStatus;
  dead: DeadJobRow[];
  /** How many dead jobs were left out past MAX_DEAD_ROWS. */
  moreDead: number;
  captures: CaptureRow[];
  /** The parts that could not be read, one line each. */
  problems: string[];
}

export type ProductionSnapshot = { ok: true; graphs: GraphSnapshot[] } | { ok: false; problem: string };

/** Runs one CLI command (`stepgraph ARGS`) to its end. */
export type RunCli = (args: string[]) => Promise<CliResult>;

export async function readProductionSnapshot(run: RunCli, redis: ProductionRedis): Promise<ProductionSnapshot> {
  const listed = await run(graphsArguments(redis));
  const graphs = listed.exitCode === 0 ? parseGraphList(listed.stdout) : undefined;
  if (!graphs) return { ok: false, problem: cliProblem(l10n.t("the deployed graphs"), listed) };
  return { ok: true, graphs: await Promise.all(graphs.map((graph) => readGraph(run, graph, redis))) };
}

async function readGraph(run: RunCli, graph: string, redis: ProductionRedis): Promise<GraphSnapshot> {
  const [status, dead, captures] = await Promise.all([run(statusArguments(graph, redis, { json: true })), run(deadListArguments(graph, redis)), run(capturesArguments(graph, redis))]);
  const snapshot: GraphSnapshot = { graph, dead: [], moreDead: 0, captures: [], problems: [] };
  const parsedStatus = status.exitCode === 0 ? parseProductionStatus(status.stdout) : undefined;
  if (parsedStatus) snapshot.status = parsedStatus;
  else snapshot.problems.push(cliProblem(l10n.t("its status"), status));
  const deadJobs = dead.exitCode === 0 ? parseDeadJobs(dead.stdout) : undefined;
  if (deadJobs) {
    snapshot.dead = deadJobs.slice(0, MAX_DEAD_ROWS);
    snapshot.moreDead = Math.max(0, deadJobs.length - MAX_DEAD_ROWS);
  } else snapshot.problems.push(cliProblem(l10n.t("its dead jobs"), dead));
  const points = captures.exitCode === 0 ? parseCaptures(captures.stdout) : undefined;
  if (points) snapshot.captures = points;
  else snapshot.problems.push(cliProblem(l10n.t("its capture points"), captures));
  return snapshot;
}

/** "cannot read its status: <the CLI's last line>". */
function cliProblem(what: string, result: CliResult): string {
  const said = result.stderr.trim().split("\n").at(-1) ?? "";
  return l10n.t("cannot read {0}: {1}", what, said !== "" ? said : l10n.t("the command exited with status {0}", result.exitCode));
}

/** `graphs --json`: the names of the graphs with an active version, or undefined when stdout is not that. */
export function parseGraphList(stdout: string): string[] | undefined {
  const value = lastJsonValue(stdout);
  if (!Array.isArray(value)) return undefined;
  const names = value.map((entry) => (isRecord(entry) && typeof entry.graph === "string" ? entry.graph : undefined));
  return names.every((name): name is string => name !== undefined) ? names : undefined;
}

/** `dead NAME list --json`: a row per dead-letter record, the newest first. */
export function parseDeadJobs(stdout: string): DeadJobRow[] | undefined {
  const value = lastJsonValue(stdout);
  if (!Array.isArray(value)) return undefined;
  const rows: DeadJobRow[] = [];
  for (const record of value) {
    if (!isRecord(record) || typeof record.id !== "string" || typeof record.node !== "string") return undefined;
    rows.push({
      id: record.id,
      loop: typeof record.loop === "string" ? record.loop : "",
      node: record.node,
      ...(typeof record.element === "number" ? { element: record.element } : {}),
      attempts: typeof record.attempts === "number" ? record.attempts : 0,
      error: typeof record.error === "string" ? record.error : "",
      ...(typeof record.diedAt === "number" ? { diedAt: record.diedAt } : {}),
    });
  }
  return rows.sort((a, b) => (b.diedAt ?? 0) - (a.diedAt ?? 0));
}

/** `captures NAME --json`: each capture point set, with its latest records. */
export function parseCaptures(stdout: string): CaptureRow[] | undefined {
  const value = lastJsonValue(stdout);
  if (!Array.isArray(value)) return undefined;
  const rows: CaptureRow[] = [];
  for (const point of value) {
    if (!isRecord(point) || typeof point.id !== "string" || typeof point.node !== "string") return undefined;
    const records = Array.isArray(point.records) ? point.records.filter(isRecord).map(captureRecordRow) : [];
    rows.push({
      id: point.id,
      node: point.node,
      count: typeof point.count === "number" ? point.count : 0,
      recorded: typeof point.recorded === "number" ? point.recorded : records.length,
      ...(typeof point.where === "string" ? { where: point.where } : {}),
      records,
    });
  }
  return rows;
}

function captureRecordRow(record: Record<string, unknown>): CaptureRecordRow {
  const error = isRecord(record.error) && typeof record.error.message === "string" ? record.error.message : undefined;
  return {
    job: String(record.job ?? ""),
    worker: String(record.worker ?? ""),
    attempt: typeof record.attempt === "number" ? record.attempt : 0,
    at: typeof record.at === "string" ? record.at : "",
    durationMs: typeof record.durationMs === "number" ? record.durationMs : 0,
    args: record.args,
    ...("output" in record ? { output: record.output } : {}),
    ...(error === undefined ? {} : { error }),
  };
}
