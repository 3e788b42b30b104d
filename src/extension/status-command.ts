// Show Production Status: `stepgraph status NAME`'s table in the output channel, and the
// totals (from `status NAME --json`) in a notification. Allowed in an untrusted workspace:
// it reads Redis and runs none of the workspace's code.
import * as vscode from "vscode";
import type { StepgraphContext } from "./context";
import { reportCliFailure, reportError } from "./failure-messages";
import { displayedCommand, statusArguments } from "./production-arguments";
import { parseProductionStatus, statusSummary } from "./production-status";
import { productionTarget } from "./production-target";
import { runCli } from "./run-cli";

export async function showProductionStatus(context: StepgraphContext, uri: vscode.Uri | undefined): Promise<void> {
  const target = await productionTarget(uri);
  if (!target) return;
  const tableArgs = statusArguments(target.graph, target.redis, { json: false });
  const jsonArgs = statusArguments(target.graph, target.redis, { json: true });
  const what = vscode.l10n.t({ message: "reading the production status of {0}", args: [target.graph], comment: "what failed, in 'Stepgraph: {0} failed: …'" });
  context.output.info(displayedCommand(tableArgs));
  try {
    const [table, json] = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t("Reading the status of {0}", target.graph) }, () =>
      Promise.all([runCli(context.paths.cli, tableArgs, { cwd: target.cwd }), runCli(context.paths.cli, jsonArgs, { cwd: target.cwd })]),
    );
    if (table.exitCode !== 0) {
      reportCliFailure(context, what, table);
      return;
    }
    // On a line of its own, so that the table's columns line up.
    context.output.info(`${vscode.l10n.t("production status of {0} ({1}):", target.graph, target.redis.label)}\n${table.stdout.trimEnd()}`);
    if (table.stderr.trim()) context.output.warn(table.stderr.trimEnd());
    context.output.show(true);
    const status = json.exitCode === 0 ? parseProductionStatus(json.stdout) : undefined;
    if (status) void vscode.window.showInformationMessage(statusSummary(status));
  } catch (e) {
    reportError(context, what, e);
  }
}
