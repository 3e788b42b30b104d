// Folding: statements over several lines, loop bodies, and runs of comment lines.
import { FoldingRangeKind, type FoldingRange } from "vscode-languageserver";
import type { Analysis } from "./analysis";

export function foldingRanges(analysis: Analysis): FoldingRange[] {
  const ranges: FoldingRange[] = [];
  const add = (startLine: number, endLine: number, kind?: FoldingRangeKind) => {
    if (endLine > startLine && !ranges.some((r) => r.startLine === startLine && r.endLine === endLine)) {
      ranges.push({ startLine, endLine, ...(kind ? { kind } : {}) });
    }
  };
  for (const statement of analysis.statements) {
    add(statement.range.start.line, statement.range.end.line);
    if (statement.kind === "loop" && statement.bodyRange) add(statement.bodyRange.start.line, statement.bodyRange.end.line);
  }
  for (const [start, end] of commentRuns(analysis)) add(start, end, FoldingRangeKind.Comment);
  return ranges.sort((a, b) => a.startLine - b.startLine);
}

/** First and last line of each run of two or more consecutive lines that hold only a comment. */
function commentRuns(analysis: Analysis): [number, number][] {
  const text = analysis.text;
  const lines = analysis.parsed.lines;
  const commentLines = analysis.parsed.file.comments
    .filter((comment) => {
      const lineStart = lines.offsetAt({ line: comment.range.start.line, character: 0 });
      return text.slice(lineStart, comment.range.startOffset).trim() === "";
    })
    .map((comment) => comment.range.start.line);
  const runs: [number, number][] = [];
  for (const line of commentLines) {
    const last = runs[runs.length - 1];
    if (last && last[1] === line - 1) last[1] = line;
    else runs.push([line, line]);
  }
  return runs.filter(([start, end]) => end > start);
}
