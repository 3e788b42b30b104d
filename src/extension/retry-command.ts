// Retry Job: `stepgraph dead NAME retry ID`, a dead job back on the loop it died in, on the
// active version (deploy the fix first). The job id comes from the command's argument (the
// production view passes one) or is typed in. Refused in an untrusted workspace: the job
// runs the deployed node code, which came from this workspace.
import * as vscode from "vscode";
import type { StepgraphContext } from "./context";
import { reportCliFailure, reportError } from "./failure-messages";
import { jobIdArgument, jobIdProblem } from "./job-id";
import { deadRetryArguments, displayedCommand } from "./production-arguments";
import { productionTarget } from "./production-target";
import { runCli } from "./run-cli";
import { graphArgument } from "./target-graph";
import { refusedAsUntrusted } from "./workspace-trust";

/**
 * `argument`: a job id (a string or number), `{ job, file? }` with the graph file's URI, or
 * the graph file's URI alone (the id is then asked for); without a file, the graph is the
 * active editor's.
 */
export async function retryJob(context: StepgraphContext, argument: unknown): Promise<void> {
  if (refusedAsUntrusted()) return;
  const file = argument instanceof vscode.Uri ? argument : typeof argument === "object" && argument !== null ? graphArgument((argument as { file?: unknown }).file) : undefined;
  const target = await productionTarget(file);
  if (!target) return;
  const jobId = jobIdArgument(argument) ?? (await askJobId(target.graph));
  if (jobId === undefined) return;
  const args = deadRetryArguments(target.graph, jobId, target.redis);
  const what = vscode.l10n.t({ message: "retrying job {0} of {1}", args: [jobId, target.graph], comment: "what failed, in 'Stepgraph: {0} failed: …'" });
  context.output.info(displayedCommand(args));
  try {
    const result = await runCli(context.paths.cli, args, { cwd: target.cwd });
    if (result.exitCode !== 0) return reportCliFailure(context, what, result);
    const said = result.stdout.trim();
    context.output.info(said);
    void vscode.window.showInformationMessage(vscode.l10n.t("Stepgraph: {0}", said));
  } catch (e) {
    reportError(context, what, e);
  }
}

function askJobId(graph: string): Thenable<string | undefined> {
  return vscode.window
    .showInputBox({
      title: vscode.l10n.t("Stepgraph: Retry Job"),
      prompt: vscode.l10n.t("The id of the dead job of {0} to send back to the loop it died in, on the active version (deploy the fix first).", graph),
      ignoreFocusOut: true,
      validateInput: jobIdProblem,
    })
    .then((text) => text?.trim());
}
