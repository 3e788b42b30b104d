// What `stepgraph status NAME --json` reports, read defensively, and what the extension
// makes of it: the Show Production Status notification, which loops Start Local Workers
// starts a worker for, and the figures the graph view writes into each loop's frame.
import * as l10n from "@vscode/l10n";
import type { LoopStats } from "../webview/messages";
import { isRecord, lastJsonValue } from "./cli-json";
import type { DeployResult } from "./deploy-result";

/** A loop's counters as the CLI prints them; a counter it leaves out (an older CLI) is undefined. */
export interface LoopStatus {
  name: string;
  waiting?: number;
  delayed?: number;
  inFlight?: number;
  done?: number;
  failed?: number;
  dead?: number;
  workers?: number;
  /** Jobs per second over the last 10 to 20 seconds. */
  throughput?: number;
  /** Mean time from entering the loop's list to leaving the loop, over that window; null when none finished. */
  latencyMs?: number | null;
}

const LOOP_COUNTERS = ["waiting", "delayed", "inFlight", "done", "failed", "dead", "workers", "throughput"] as const;

export interface ProductionStatus {
  graph: string;
  /** null while the graph was never deployed. */
  activeVersion: number | null;
  submitted?: number;
  completed?: number;
  dead?: number;
  loops: LoopStatus[];
}

/** The status JSON object, or undefined when stdout holds none of the expected shape. */
export function parseProductionStatus(stdout: string): ProductionStatus | undefined {
  const value = lastJsonValue(stdout);
  if (!isRecord(value) || typeof value.graph !== "string") return undefined;
  if (value.activeVersion !== null && typeof value.activeVersion !== "number") return undefined;
  const loops: LoopStatus[] = [];
  for (const loop of Array.isArray(value.loops) ? value.loops : []) {
    if (!isRecord(loop) || typeof loop.name !== "string") return undefined;
    const status: LoopStatus = { name: loop.name };
    for (const counter of LOOP_COUNTERS) if (typeof loop[counter] === "number") status[counter] = loop[counter];
    if (typeof loop.latencyMs === "number" || loop.latencyMs === null) status.latencyMs = loop.latencyMs;
    loops.push(status);
  }
  return {
    graph: value.graph,
    activeVersion: value.activeVersion,
    submitted: count(value.submitted),
    completed: count(value.completed),
    dead: count(value.dead),
    loops,
  };
}

/** "orders version 3: completed 8, dead 1 (10 submitted)", or that it is not deployed. */
export function statusSummary(status: ProductionStatus): string {
  if (status.activeVersion === null) return l10n.t("{0} is not deployed", status.graph);
  const completed = status.completed ?? "?";
  const dead = status.dead ?? "?";
  if (status.submitted === undefined) return l10n.t("{0} version {1}: completed {2}, dead {3}", status.graph, status.activeVersion, completed, dead);
  return l10n.t("{0} version {1}: completed {2}, dead {3} ({4} submitted)", status.graph, status.activeVersion, completed, dead, status.submitted);
}

/** The graph view's figures of each loop: waiting, in flight and jobs per second (0 for a counter the CLI left out). */
export function loopStatsOf(status: ProductionStatus): LoopStats[] {
  return status.loops.map((loop) => ({ name: loop.name, waiting: loop.waiting ?? 0, inFlight: loop.inFlight ?? 0, rate: loop.throughput ?? 0 }));
}

export type LoopChoice = { ok: true; loops: string[]; from: "status" | "last deploy" } | { ok: false; message: string };

/**
 * The loops to start local workers for. The status is asked first because it describes the
 * active version, whoever deployed it; this window's last deploy of the graph stands in when
 * the status cannot be read (`statusFailure`) or lists no loops.
 */
export function chooseWorkerLoops(
  graph: string,
  status: ProductionStatus | undefined,
  lastDeploy: DeployResult | undefined,
  statusFailure?: string,
): LoopChoice {
  if (status?.activeVersion === null) return { ok: false, message: neverDeployedMessage(graph) };
  if (status && status.loops.length > 0) return { ok: true, loops: status.loops.map((loop) => loop.name), from: "status" };
  if (lastDeploy && lastDeploy.loops.length > 0) return { ok: true, loops: lastDeploy.loops.map((loop) => loop.name), from: "last deploy" };
  if (status) return { ok: false, message: l10n.t("The active version of {0} has no loops to run workers for.", graph) };
  if (statusFailure) return { ok: false, message: l10n.t("Could not read the production status of {0}: {1}", graph, statusFailure) };
  return { ok: false, message: l10n.t("Could not read the production status of {0}", graph) };
}

export function neverDeployedMessage(graph: string): string {
  return l10n.t("{0} was never deployed: deploy it first (Stepgraph: Deploy Graph).", graph);
}

function count(value: unknown): number | undefined {
  return typeof value === "number" ? value : undefined;
}
