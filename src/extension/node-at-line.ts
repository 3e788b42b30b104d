// The node statement a line of a graph's text is in (Capture Node on Production acts on the
// node under the cursor), and every node's name, read with the language's own parser.
import type { NodeStatement } from "../graph/ast";
import { parse } from "../graph/parser";

function nodeStatements(text: string): NodeStatement[] {
  return parse(text).file.statements.filter((s): s is NodeStatement => s.kind === "node");
}

/** The name of the node whose statement spans zero-based `line`, or undefined. */
export function nodeAtLine(text: string, line: number): string | undefined {
  return nodeStatements(text).find((s) => s.range.start.line <= line && line <= s.range.end.line)?.name.text;
}

/** Every node's name, in the order of the file. */
export function nodeNames(text: string): string[] {
  return nodeStatements(text).map((s) => s.name.text);
}
