// Retry Job and Drop Job: `stepgraph dead NAME retry ID` (a dead job back on the loop it died
// in, on the active version: deploy the fix first) and `stepgraph dead NAME drop ID` (the job
// forgotten, after a confirmation). The job comes from the production view's row, or from
// the argument `{ job, file? }` / a graph file's URI (the id is then typed in), the graph
// then from the file or the active editor. Refused in an untrusted workspace: a retried job
// runs the deployed node code, which came from this workspace, and both change production.
import * as vscode from "vscode";
import type { StepgraphContext } from "./context";
import { reportCliFailure, reportError } from "./failure-messages";
import { jobIdArgument, jobIdProblem } from "./job-id";
import { deadDropArguments, deadRetryArguments, displayedCommand } from "./production-arguments";
import { productionTarget, workspaceProduction, type ProductionPlace } from "./production-target";
import { runCli } from "./run-cli";
import { graphArgument } from "./target-graph";
import { productionRowOf } from "./views/production-tree";
import { refusedAsUntrusted } from "./workspace-trust";

/** True when the job was retried. */
export async function retryJob(context: StepgraphContext, argument: unknown): Promise<boolean> {
  const chosen = await chooseDeadJob(argument, vscode.l10n.t("Stepgraph: Retry Job"), (graph) => vscode.l10n.t("The id of the dead job of {0} to send back to the loop it died in, on the active version (deploy the fix first).", graph));
  if (!chosen) return false;
  const { target, jobId } = chosen;
  const what = vscode.l10n.t({ message: "retrying job {0} of {1}", args: [jobId, target.graph], comment: "what failed, in 'Stepgraph: {0} failed: …'" });
  return runDeadCommand(context, target, deadRetryArguments(target.graph, jobId, target.redis), what);
}

/** True when the job was dropped. */
export async function dropJob(context: StepgraphContext, argument: unknown): Promise<boolean> {
  const chosen = await chooseDeadJob(argument, vscode.l10n.t("Stepgraph: Drop Job"), (graph) => vscode.l10n.t("The id of the dead job of {0} to forget.", graph));
  if (!chosen) return false;
  const { target, jobId } = chosen;
  const drop = vscode.l10n.t("Drop Job");
  const answer = await vscode.window.showWarningMessage(
    vscode.l10n.t("Drop dead job {0} of {1}?", jobId, target.graph),
    { modal: true, detail: vscode.l10n.t("Its dead-letter record is deleted from {0}: it can no longer be retried or debugged. It stays counted as dead.", target.redis.label) },
    drop,
  );
  if (answer !== drop) return false;
  const what = vscode.l10n.t({ message: "dropping job {0} of {1}", args: [jobId, target.graph], comment: "what failed, in 'Stepgraph: {0} failed: …'" });
  return runDeadCommand(context, target, deadDropArguments(target.graph, jobId, target.redis), what);
}

/** The graph and the job a command acts on, or undefined (refused, cancelled, or no graph). */
async function chooseDeadJob(argument: unknown, title: string, prompt: (graph: string) => string): Promise<{ target: ProductionPlace & { graph: string }; jobId: string } | undefined> {
  if (refusedAsUntrusted()) return undefined;
  const row = productionRowOf(argument);
  if (row?.graph !== undefined && row.job !== undefined) return { target: { graph: row.graph, ...workspaceProduction() }, jobId: row.job };
  const file = argument instanceof vscode.Uri ? argument : typeof argument === "object" && argument !== null ? graphArgument((argument as { file?: unknown }).file) : undefined;
  const target = await productionTarget(file);
  if (!target) return undefined;
  const jobId = jobIdArgument(argument) ?? (await vscode.window.showInputBox({ title, prompt: prompt(target.graph), ignoreFocusOut: true, validateInput: jobIdProblem }))?.trim();
  return jobId === undefined ? undefined : { target, jobId };
}

async function runDeadCommand(context: StepgraphContext, target: ProductionPlace, args: string[], what: string): Promise<boolean> {
  context.output.info(displayedCommand(args));
  try {
    const result = await runCli(context.paths.cli, args, { cwd: target.cwd });
    if (result.exitCode !== 0) {
      reportCliFailure(context, what, result);
      return false;
    }
    const said = result.stdout.trim();
    context.output.info(said);
    void vscode.window.showInformationMessage(vscode.l10n.t("Stepgraph: {0}", said));
    return true;
  } catch (e) {
    reportError(context, what, e);
    return false;
  }
}
