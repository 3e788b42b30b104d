// `stepgraph check FILE...`: every diagnostic of every file, as lines or as JSON.
import { checkText } from "../graph/checker";
import { formatDiagnostic, type Diagnostic } from "../graph/diagnostics";
import { createModuleReader } from "../graph/module-reader";
import { readGraphSource } from "../graph/source-file";
import { Exit, UserError, type Command } from "./command";
import { parseArguments } from "./parse-arguments";

interface FileReport {
  file: string;
  /** Why the file could not be checked at all. */
  error?: string;
  diagnostics: Diagnostic[];
}

export const checkCommand: Command = {
  name: "check",
  summary: "check graph files and print their errors and warnings",
  usage: `Usage: stepgraph check FILE... [--format text|json]

Prints one line per problem: file:line:col: error|warning CODE message.
Exit status: 0 when no file has errors, 1 when one does, 2 when a file cannot be read.`,
  async run(args) {
    const { values, positionals } = parseArguments("check", args, { format: { type: "string", default: "text" } });
    if (values.format !== "text" && values.format !== "json") throw new UserError(`check: --format is 'text' or 'json', not '${values.format}'`);
    if (positionals.length === 0) throw new UserError("check: name at least one graph file (see 'stepgraph check --help')");

    const modules = createModuleReader();
    const reports = positionals.map((file): FileReport => {
      const source = readGraphSource(file);
      if (!source.ok) return { file, error: `${file} ${source.message}`, diagnostics: [] };
      return { file, diagnostics: checkText(source.text, { path: file, modules }).diagnostics };
    });

    if (values.format === "json") process.stdout.write(`${JSON.stringify(jsonReport(reports), null, 2)}\n`);
    else printText(reports);

    if (reports.some((r) => r.error !== undefined)) return Exit.usage;
    return reports.some((r) => r.diagnostics.some((d) => d.severity === "error")) ? Exit.failed : Exit.ok;
  },
};

function printText(reports: readonly FileReport[]): void {
  for (const report of reports) {
    if (report.error !== undefined) process.stderr.write(`stepgraph: ${report.error}\n`);
    for (const d of report.diagnostics) {
      process.stdout.write(`${formatDiagnostic(report.file, d)}\n`);
    }
  }
}

/** Lines and columns are 1-based, as in the text format; the end is exclusive. */
function jsonReport(reports: readonly FileReport[]) {
  const all = reports.flatMap((r) => r.diagnostics);
  return {
    files: reports.map((report) => ({
      file: report.file,
      ...(report.error !== undefined ? { error: report.error } : {}),
      diagnostics: report.diagnostics.map((d) => ({
        severity: d.severity,
        code: d.code,
        message: d.message,
        line: d.range.start.line + 1,
        column: d.range.start.character + 1,
        endLine: d.range.end.line + 1,
        endColumn: d.range.end.character + 1,
      })),
    })),
    errors: all.filter((d) => d.severity === "error").length,
    warnings: all.filter((d) => d.severity === "warning").length,
  };
}
