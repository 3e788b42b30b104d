// Capture points (docs/production.md, "Capture points"): what one is (a node of the active
// version, a count, an optional `--where` condition), which nodes and conditions may be
// captured, what a record of one call holds, and the table a worker keeps of the points
// set. The condition is the graph language's own (parseCondition, evaluateCondition): one
// parser, one evaluator. The records go to Redis through the store; this file only shapes them.
import { conditionReferences, evaluateCondition } from "../graph/condition";
import type { ConditionExpr } from "../graph/ast";
import { parseCondition } from "../graph/parser";
import type { NodeCallOutcome } from "../runtime/node-call";
import { encodeValue } from "../runtime/values";
import type { ProductionGraph, ProductionNode } from "./production-graph";

/** Calls recorded when `--count` is not given. */
export const DEFAULT_CAPTURE_COUNT = 10;
/** The most calls one capture point records (its stream keeps only the last CAPTURE_STREAM_CAP or so: the command reads them as they come). */
export const MAX_CAPTURE_COUNT = 1_000_000;
/** The stream of a capture point is capped near this many records (XADD MAXLEN ~): the oldest go first. */
export const CAPTURE_STREAM_CAP = 10_000;
/** How long a capture point and its records live without their command renewing them (it does, every CAPTURE_KEEP_MS). */
export const CAPTURE_TTL_MS = 10 * 60_000;
export const CAPTURE_KEEP_MS = 60_000;
/** The most bytes a recorded value (the arguments, the output) takes, encoded; past it the record says how big it was instead. */
export const CAPTURE_VALUE_LIMIT_BYTES = 64 * 1024;

/** A capture point as the command sets it and the workers read it (JSON in Redis and on the control channel). */
export interface CaptureDefinition {
  node: string;
  count: number;
  where?: string;
}

/** One recorded call (JSON in the stream). Values are encoded (encodeValue), or left out with their size. */
export interface CaptureRecord {
  job: string;
  node: string;
  worker: string;
  attempt: number;
  /** Epoch milliseconds when the call ended. */
  at: number;
  durationMs: number;
  /** The arguments, an encoded array. */
  args?: string;
  argsBytes?: number;
  output?: string;
  outputBytes?: number;
  error?: { message: string; name?: string; stack?: string };
}

/** A capture point's definition as read from Redis; undefined for text that is not one (Redis is anyone's to write to). */
export function parseCaptureDefinition(text: string): CaptureDefinition | undefined {
  const definition = parsedObject(text);
  if (typeof definition?.node !== "string" || typeof definition.count !== "number") return undefined;
  if (definition.where !== undefined && typeof definition.where !== "string") return undefined;
  return definition as unknown as CaptureDefinition;
}

/** A record as read from a capture point's stream; undefined for an entry no worker wrote (anyone may add to the stream). */
export function parseCaptureRecord(text: string): CaptureRecord | undefined {
  const record = parsedObject(text);
  if (record === undefined) return undefined;
  const { job, node, worker, attempt, at, durationMs, error } = record;
  if (typeof job !== "string" || typeof node !== "string" || typeof worker !== "string" || typeof attempt !== "number" || !Number.isFinite(at) || typeof durationMs !== "number") return undefined;
  if (error !== undefined && typeof (error as { message?: unknown } | null)?.message !== "string") return undefined;
  return record as unknown as CaptureRecord;
}

function parsedObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The nodes a capture point may name: those that call a function (or a subgraph with `map`). */
export function capturableNodes(graph: ProductionGraph): ProductionNode[] {
  return graph.nodes.filter((node) => node.kind === "call" || node.kind === "mapped-subgraph");
}

/** The names a node's arguments and condition read: what a `--where` over it may read. */
export function namesRead(node: ProductionNode): string[] {
  const names = node.args.flatMap((arg) => (arg.kind === "literal" ? [] : [arg.name]));
  for (const ref of node.when?.references ?? []) names.push(ref.name);
  return [...new Set(names)];
}

/** A `--where` condition parsed, or why it is refused (a line naming `--where`): a syntax error, or a name the node does not read. */
export function parseWhere(text: string, node: ProductionNode): { condition: ConditionExpr } | { problem: string } {
  const parsed = parseCondition(text);
  if (parsed.condition === undefined) {
    const first = parsed.diagnostics[0];
    return { problem: `--where: ${first === undefined ? "not a condition" : `${first.message} at column ${first.range.start.character + 1}`}` };
  }
  const read = namesRead(node);
  const stray = conditionReferences(parsed.condition).find((ref) => !read.includes(ref.root.text));
  if (stray !== undefined) return { problem: `--where reads '${stray.root.text}', which node '${node.name}' does not read (it reads: ${read.join(", ") || "nothing"})` };
  return { condition: parsed.condition };
}

/** A capture point as a worker holds it. */
export interface LiveCapture {
  id: string;
  where: ConditionExpr | undefined;
  /** The calls it records in all (over every worker). */
  count: number;
}

/** One call of a captured node, as the loop runner saw it. */
export interface CapturedCall {
  jobId: string;
  attempt: number;
  args: readonly unknown[];
  outcome: NodeCallOutcome;
  durationMs: number;
}

/**
 * The capture points a worker has, by node. The loop runner looks here once per node call:
 * with none set (`byNode.size === 0`) that is all it does.
 */
export class CaptureTable {
  readonly byNode = new Map<string, LiveCapture[]>();
  private readonly nodeOf = new Map<string, string>();

  constructor(private readonly sink: (point: LiveCapture, node: string, call: CapturedCall) => void) {}

  has(id: string): boolean {
    return this.nodeOf.has(id);
  }

  /** False when it was there already. */
  add(id: string, node: string, where: ConditionExpr | undefined, count: number): boolean {
    if (this.nodeOf.has(id)) return false;
    this.nodeOf.set(id, node);
    this.byNode.set(node, [...(this.byNode.get(node) ?? []), { id, where, count }]);
    return true;
  }

  remove(id: string): boolean {
    const node = this.nodeOf.get(id);
    if (node === undefined) return false;
    this.nodeOf.delete(id);
    const left = (this.byNode.get(node) ?? []).filter((point) => point.id !== id);
    if (left.length === 0) this.byNode.delete(node);
    else this.byNode.set(node, left);
    return true;
  }

  /** A call of `node` that `points` capture: recorded by each whose condition holds over the values the node read. */
  record(points: readonly LiveCapture[], node: string, valueOf: (name: string) => unknown, call: CapturedCall): void {
    for (const point of points) {
      let wanted: boolean;
      try {
        wanted = point.where === undefined || evaluateCondition(point.where, valueOf);
      } catch {
        wanted = false;
      }
      if (wanted) this.sink(point, node, call);
    }
  }
}

/** The record of a call, as JSON text: its values encoded, each within CAPTURE_VALUE_LIMIT_BYTES. */
export function captureRecordText(node: string, worker: string, call: CapturedCall): string {
  const record: CaptureRecord = { job: call.jobId, node, worker, attempt: call.attempt, at: Date.now(), durationMs: Math.round(call.durationMs * 1000) / 1000 };
  const args = encodedWithin(call.args);
  if (typeof args === "string") record.args = args;
  else record.argsBytes = args.bytes;
  if (call.outcome.ok) {
    const bytes = Buffer.byteLength(call.outcome.encoded);
    if (bytes <= CAPTURE_VALUE_LIMIT_BYTES) record.output = call.outcome.encoded;
    else record.outputBytes = bytes;
  } else {
    const { message, name, stack } = call.outcome.error;
    record.error = { message: message.slice(0, CAPTURE_VALUE_LIMIT_BYTES), ...(name === undefined ? {} : { name }), ...(stack === undefined ? {} : { stack: stack.slice(0, CAPTURE_VALUE_LIMIT_BYTES) }) };
  }
  return JSON.stringify(record);
}

function encodedWithin(value: unknown): string | { bytes: number } {
  let encoded: string;
  try {
    encoded = encodeValue(value);
  } catch {
    return { bytes: -1 };
  }
  const bytes = Buffer.byteLength(encoded);
  return bytes <= CAPTURE_VALUE_LIMIT_BYTES ? encoded : { bytes };
}
