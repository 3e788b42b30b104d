// The production view's rows, made from a snapshot (production-snapshot.ts): each deployed
// graph with its active version; under it its loops and their counters, its dead jobs (the
// rows Debug Job, Retry Job and Drop Job act on) and its capture points with their records.
// Pure, so that node:test covers every row; production-view.ts shows them.
import * as l10n from "@vscode/l10n";
import type { LoopStatus } from "../production-status";
import type { CaptureRecordRow, CaptureRow, DeadJobRow, GraphSnapshot, ProductionSnapshot } from "./production-snapshot";

/** The view's id (package.json's `views`). */
export const PRODUCTION_VIEW_ID = "stepgraph.production";

/** What a row's context menu actions are offered for (package.json's `viewItem` clauses). */
export type RowKind = "graph" | "loop" | "deadJobs" | "deadJob" | "captures" | "capture" | "captureRecord" | "problem" | "message";

export interface ProductionRow {
  /** Stable across refreshes, so that a row keeps its expansion. */
  id: string;
  kind: RowKind;
  label: string;
  description?: string;
  tooltip?: string;
  /** A codicon's name. */
  icon: string;
  /** The graph the row belongs to, and the dead job or capture point it stands for. */
  graph?: string;
  job?: string;
  capture?: string;
  children?: ProductionRow[];
  /** Shown expanded at first (a row with children is collapsed otherwise). */
  expanded?: boolean;
}

export function productionRows(snapshot: ProductionSnapshot, redisLabel: string): ProductionRow[] {
  if (!snapshot.ok) return [{ id: "problem", kind: "problem", icon: "warning", label: l10n.t("Cannot read production at {0}", redisLabel), description: snapshot.problem, tooltip: snapshot.problem }];
  if (snapshot.graphs.length === 0) return [{ id: "none", kind: "message", icon: "info", label: l10n.t("No graph is deployed to {0}", redisLabel), tooltip: l10n.t("Deploy one with Stepgraph: Deploy Graph.") }];
  return snapshot.graphs.map(graphRow);
}

function graphRow(snapshot: GraphSnapshot): ProductionRow {
  const { graph, status } = snapshot;
  const id = `graph:${graph}`;
  const version = status?.activeVersion;
  const children: ProductionRow[] = [
    ...snapshot.problems.map((problem, i): ProductionRow => ({ id: `${id}:problem:${i}`, kind: "problem", icon: "warning", label: problem, tooltip: problem, graph })),
    ...(status?.loops ?? []).map((loop) => loopRow(graph, loop)),
    deadJobsRow(snapshot),
    capturesRow(snapshot),
  ];
  return {
    id,
    kind: "graph",
    icon: "type-hierarchy",
    label: graph,
    description: version === undefined ? undefined : version === null ? l10n.t("not deployed") : l10n.t("version {0}", version),
    graph,
    children,
    expanded: true,
  };
}

/** `waiting 0 · in flight 1 · done 7 · failed 1 · dead 1 · 2 workers · 2.5 jobs/s`. */
export function loopDescription(loop: LoopStatus): string {
  const parts = [
    l10n.t("waiting {0}", loop.waiting ?? 0),
    l10n.t("in flight {0}", loop.inFlight ?? 0),
    l10n.t("done {0}", loop.done ?? 0),
    l10n.t("failed {0}", loop.failed ?? 0),
    l10n.t("dead {0}", loop.dead ?? 0),
    loop.workers === 1 ? l10n.t("1 worker") : l10n.t("{0} workers", loop.workers ?? 0),
    l10n.t("{0} jobs/s", Number((loop.throughput ?? 0).toFixed(1))),
  ];
  return parts.join(" · ");
}

function loopRow(graph: string, loop: LoopStatus): ProductionRow {
  return { id: `graph:${graph}:loop:${loop.name}`, kind: "loop", icon: "sync", label: loop.name, description: loopDescription(loop), tooltip: l10n.t("loop {0} of {1}: {2}", loop.name, graph, loopDescription(loop)), graph };
}

function deadJobsRow(snapshot: GraphSnapshot): ProductionRow {
  const { graph, dead, moreDead } = snapshot;
  const total = dead.length + moreDead;
  const children = dead.map((job) => deadJobRow(graph, job));
  if (moreDead > 0) children.push({ id: `graph:${graph}:dead:more`, kind: "message", icon: "ellipsis", label: l10n.t("{0} more (stepgraph dead {1} list)", moreDead, graph), graph });
  return { id: groupId(`graph:${graph}:dead`, total), kind: "deadJobs", icon: "error", label: l10n.t("Dead jobs"), description: String(total), graph, children, expanded: total > 0 };
}

/**
 * A group's id, another once it has rows: VS Code keeps a row's expansion by its id, and a
 * row first shown empty (not expandable) would stay collapsed when its first rows come.
 */
function groupId(base: string, rows: number): string {
  return rows > 0 ? base : `${base}:empty`;
}

function deadJobRow(graph: string, job: DeadJobRow): ProductionRow {
  const at = job.element === undefined ? job.node : `${job.node}[${job.element}]`;
  const firstLine = job.error.split("\n")[0];
  const attempts = job.attempts === 1 ? l10n.t("after 1 attempt") : l10n.t("after {0} attempts", job.attempts);
  return {
    id: `graph:${graph}:dead:${job.id}`,
    kind: "deadJob",
    icon: "circle-slash",
    label: l10n.t("job {0}", job.id),
    description: `${at}: ${firstLine}`,
    tooltip: l10n.t("job {0} died in loop {1} at node {2} {3}: {4}", job.id, job.loop, at, attempts, firstLine),
    graph,
    job: job.id,
  };
}

function capturesRow(snapshot: GraphSnapshot): ProductionRow {
  const { graph, captures } = snapshot;
  return { id: groupId(`graph:${graph}:captures`, captures.length), kind: "captures", icon: "record", label: l10n.t("Capture points"), description: String(captures.length), graph, children: captures.map((point) => captureRow(graph, point)), expanded: captures.length > 0 };
}

function captureRow(graph: string, point: CaptureRow): ProductionRow {
  const where = point.where === undefined ? "" : ` · ${l10n.t("where {0}", point.where)}`;
  const id = `graph:${graph}:capture:${point.id}`;
  return {
    id,
    kind: "capture",
    icon: "record",
    label: point.node,
    description: `${l10n.t("{0} of {1} recorded", point.recorded, point.count)}${where}`,
    graph,
    capture: point.id,
    children: point.records.map((record, i) => captureRecordRow(`${id}:${i}`, graph, point.node, record)),
    expanded: true,
  };
}

function captureRecordRow(id: string, graph: string, node: string, record: CaptureRecordRow): ProductionRow {
  const call = `${node}(${Array.isArray(record.args) ? record.args.map(shown).join(", ") : shown(record.args)})`;
  const outcome = record.error !== undefined ? l10n.t("failed: {0}", record.error.split("\n")[0]) : `= ${shown(record.output)}`;
  return {
    id,
    kind: "captureRecord",
    icon: record.error !== undefined ? "error" : "pass",
    label: l10n.t("job {0}", record.job),
    description: `${call} ${outcome}`,
    tooltip: l10n.t("job {0} on {1} (attempt {2}, {3} ms, {4}): {5} {6}", record.job, record.worker, record.attempt, record.durationMs, record.at, call, outcome),
    graph,
  };
}

/** A value on one line, cut short: the tooltip and the CLI have the rest. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? "undefined";
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

/** The row a view action was invoked on (VS Code passes the tree element), else undefined. */
export function productionRowOf(argument: unknown): ProductionRow | undefined {
  if (typeof argument !== "object" || argument === null) return undefined;
  const row = argument as Partial<ProductionRow>;
  return typeof row.id === "string" && typeof row.kind === "string" && typeof row.label === "string" ? (row as ProductionRow) : undefined;
}
