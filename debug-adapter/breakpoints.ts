// Where breakpoints can sit in a graph file: on node statements, found through the one parser.
// When one stops the run (conditions, hit counts, logpoints) is the runtime's: node-breakpoints.ts.
import { readFileSync } from "node:fs";
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
