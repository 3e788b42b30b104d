// What a failed `stepgraph` run says, in one line for a notification: the CLI reports a
// user's mistake as one `stepgraph: ...` line on stderr, and a graph's errors as a line
// ending in ':' followed by one diagnostic per line.
import * as l10n from "@vscode/l10n";
import type { CliResult } from "./run-cli";

export function cliFailureLine(result: CliResult): string {
  const lines = result.stderr
    .split(/\r?\n/)
    .map((line) => line.trim().replace(/^stepgraph: /, ""))
    .filter((line) => line !== "");
  if (lines.length === 0) return l10n.t("exit code {0}", result.exitCode);
  // "orders.graph has 1 error:" says little without the error itself.
  return lines[0].endsWith(":") && lines.length > 1 ? `${lines[0]} ${lines[1]}` : lines[0];
}
