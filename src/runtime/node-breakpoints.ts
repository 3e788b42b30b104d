// Breakpoints on nodes, as the run sees them: before a node runs, whether a breakpoint on it
// stops the run, after its condition (an expression over the node's parameters and the
// job's values), its hit condition and its log message. Where a breakpoint sits in a file is
// the editor's business; this holds what was set, keyed by graph file.
import { resolve } from "node:path";
import type { GraphModel, NodeModel } from "../graph/model";
import type { ExpressionEvaluator } from "./expression-evaluator";
import { namedArguments } from "./node-arguments";

export interface NodeBreakpoint {
  node: string;
  condition?: string;
  hitCondition?: string;
  logMessage?: string;
}

/** What a breakpoint says as the run passes it: a logpoint's line, or a condition that could not be evaluated. */
export interface BreakpointLine {
  text: string;
  kind: "log" | "conditionError";
}

/** Paths are compared in one form: absolute, and on Windows without case. */
export function normalizePath(path: string): string {
  const absolute = resolve(path);
  return process.platform === "win32" ? absolute.toLowerCase() : absolute;
}

export class NodeBreakpoints {
  private readonly byFile = new Map<string, (NodeBreakpoint & { hits: number })[]>();

  constructor(
    private readonly evaluator: ExpressionEvaluator,
    private readonly say: (line: BreakpointLine) => void,
    /** How a logpoint shows a value that is not a string (the client's preview). */
    private readonly show: (value: unknown) => string,
  ) {}

  /** Replaces the breakpoints of one graph file (their hit counts start again). */
  set(file: string, breakpoints: readonly NodeBreakpoint[]): void {
    this.byFile.set(normalizePath(file), breakpoints.map((b) => ({ ...b, hits: 0 })));
  }

  /** The nodes of a graph file that have a breakpoint. */
  nodesWithBreakpoint(file: string): Set<string> {
    return new Set((this.byFile.get(normalizePath(file)) ?? []).map((b) => b.node));
  }

  /**
   * Whether the run stops before `node` of `graph`, called with `args` (the Orchestrator's stop
   * condition): a breakpoint on it whose condition, over the node's parameters and the job's
   * values, holds (or cannot be evaluated: the user should see why) and whose hit condition holds, and
   * that is not a logpoint (a logpoint says its line and lets the run go on).
   */
  async stopsBefore(node: NodeModel, args: readonly unknown[], values: Readonly<Record<string, unknown>>, graph: GraphModel): Promise<boolean> {
    const scope = { ...namedArguments(node, args), ...values };
    let stop = false;
    for (const breakpoint of (this.byFile.get(normalizePath(graph.file)) ?? []).filter((b) => b.node === node.name)) {
      if (breakpoint.condition) {
        const result = await this.evaluator.evaluate(breakpoint.condition, scope);
        if (!result.ok) {
          this.say({ kind: "conditionError", text: `breakpoint condition '${breakpoint.condition}' on ${node.name}: ${result.error}` });
          stop = true;
          continue;
        }
        if (!result.value) continue;
      }
      breakpoint.hits++;
      if (breakpoint.hitCondition && hitConditionHolds(breakpoint.hitCondition, breakpoint.hits) === false) continue;
      if (breakpoint.logMessage) {
        const text = await interpolateLogMessage(breakpoint.logMessage, async (expression) => {
          const result = await this.evaluator.evaluate(expression, scope);
          return result.ok ? (typeof result.value === "string" ? result.value : this.show(result.value)) : `<${result.error}>`;
        });
        this.say({ kind: "log", text });
        continue;
      }
      stop = true;
    }
    return stop;
  }
}

/**
 * Whether a hit condition holds after `hits` hits: `5` or `== 5` (exactly the fifth),
 * `>= 3`, `> 3`, `< 3`, `<= 3`, `% 2` (every second). Undefined when it cannot be read.
 */
export function hitConditionHolds(condition: string, hits: number): boolean | undefined {
  const match = /^\s*(==|>=|<=|>|<|%)?\s*(\d+)\s*$/.exec(condition);
  if (!match) return undefined;
  const n = Number(match[2]);
  switch (match[1] ?? "==") {
    case "==":
      return hits === n;
    case ">=":
      return hits >= n;
    case "<=":
      return hits <= n;
    case ">":
      return hits > n;
    case "<":
      return hits < n;
    default:
      return n > 0 && hits % n === 0;
  }
}

/** `total is {priced.total}` → the text with each `{expression}` replaced by what `evaluate` gives. */
export async function interpolateLogMessage(message: string, evaluate: (expression: string) => Promise<string>): Promise<string> {
  const parts = message.split(/(\{[^{}]+\})/);
  const rendered = await Promise.all(parts.map((part) => (/^\{[^{}]+\}$/.test(part) ? evaluate(part.slice(1, -1)) : Promise.resolve(part))));
  return rendered.join("");
}
