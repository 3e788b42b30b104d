// Where breakpoints can sit in a graph file (node statements, through the one parser), and
// when one fires: hit conditions and their counts. Conditions and logpoints are evaluated
// by the session, which owns the evaluator.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { NodeStatement } from "../src/graph/ast";
import { parse } from "../src/graph/parser";

/** A node statement's lines, zero-based and inclusive. */
export interface NodeLines {
  node: string;
  firstLine: number;
  lastLine: number;
}

export interface Placement {
  verified: boolean;
  /** Zero-based line where the breakpoint sits (the node statement's first line). */
  line: number;
  node?: string;
  message?: string;
}

/** Paths are compared in one form: absolute, and on Windows without case. */
export function normalizePath(path: string): string {
  const absolute = resolve(path);
  return process.platform === "win32" ? absolute.toLowerCase() : absolute;
}

/** The node statements of the graph file at `path`, or undefined when it cannot be read. */
export function nodeLinesOf(path: string): NodeLines[] | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
  return parse(text)
    .file.statements.filter((s): s is NodeStatement => s.kind === "node")
    .map((s) => ({ node: s.name.text, firstLine: s.range.start.line, lastLine: s.range.end.line }));
}

/** A breakpoint on a node statement's line stays; elsewhere it moves to the next node, or stays unverified. */
export function placeBreakpoint(line: number, nodes: readonly NodeLines[] | undefined): Placement {
  if (nodes === undefined) return { verified: false, line, message: "the graph file cannot be read" };
  const inside = nodes.find((n) => n.firstLine <= line && line <= n.lastLine);
  if (inside) return { verified: true, line: inside.firstLine, node: inside.node };
  const next = nodes.find((n) => n.firstLine > line);
  if (next) return { verified: true, line: next.firstLine, node: next.node };
  return { verified: false, line, message: nodes.length === 0 ? "this file has no node statements to stop at" : "no node statement at or after this line: breakpoints go on node lines" };
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
