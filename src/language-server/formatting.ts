// Document formatting through the formatter of src/graph: one edit replacing the text,
// none when the text is already formatted or has syntax errors.
import type { TextEdit } from "vscode-languageserver";
import { formatGraph } from "../graph/formatter";
import type { Analysis } from "./analysis";

export function formattingEdits(analysis: Analysis): TextEdit[] {
  // The formatter would refuse too; checking here saves it a parse.
  if (analysis.parsed.diagnostics.length > 0) return [];
  const result = formatGraph(analysis.text);
  if (!result.ok || result.text === analysis.text) return [];
  const end = analysis.parsed.lines.positionAt(analysis.text.length);
  return [{ range: { start: { line: 0, character: 0 }, end }, newText: result.text }];
}
