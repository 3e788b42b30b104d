// Submit Job: one job to the graph's active deployment, waited for (up to a limit) and its
// outcome shown. The input is the JSON file next to the graph, as a run or debug session
// would take it, else JSON the user types.
import { relative } from "node:path";
import * as vscode from "vscode";
import { defaultInputFile } from "../runtime/default-input";
import type { StepgraphContext } from "./context";
import { reportCliFailure, reportError, showErrorWithOutput, showWarningWithOutput } from "./failure-messages";
import { jobInputProblem } from "./job-input-text";
import { displayedCommand, submitArguments, type JobInput } from "./production-arguments";
import { productionTarget } from "./production-target";
import { runCli } from "./run-cli";
import { isStillPending, jobDetails, jobMessage, parseJobOutcomes } from "./submit-result";
import { refusedAsUntrusted } from "./workspace-trust";

/** A job waits in the queue until a worker takes it: without workers `--wait` alone never ends. */
const SUBMIT_TIMEOUT_SECONDS = 60;
/** Should the CLI not end by its own --timeout (Redis hanging), the extension stops it this much later. */
const BACKSTOP_MS = 15_000;

export async function submitJob(context: StepgraphContext, uri: vscode.Uri | undefined): Promise<void> {
  // The job runs the deployed node code, which came from this workspace.
  if (refusedAsUntrusted()) return;
  const target = await productionTarget(uri);
  if (!target) return;
  const input = await jobInput(target.file.fsPath);
  if (!input) return;
  if ("file" in input) context.output.info(vscode.l10n.t("job input: {0}", relative(target.cwd, input.file) || input.file));

  const args = submitArguments(target.graph, input, SUBMIT_TIMEOUT_SECONDS, target.redis);
  const what = vscode.l10n.t({ message: "submitting a job to {0}", args: [target.graph], comment: "what failed, in 'Stepgraph: {0} failed: …'" });
  context.output.info(displayedCommand(args));
  const backstop = AbortSignal.timeout(SUBMIT_TIMEOUT_SECONDS * 1000 + BACKSTOP_MS);
  const cancel = new AbortController();
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t("Submitting a job to {0} and waiting for it…", target.graph), cancellable: true },
      (_progress, token) => {
        token.onCancellationRequested(() => cancel.abort());
        return runCli(context.paths.cli, args, { cwd: target.cwd, signal: AbortSignal.any([backstop, cancel.signal]) });
      },
    );
    const [job] = parseJobOutcomes(result.stdout);
    if (job) {
      const message = jobMessage(target.graph, job);
      context.output.info([message, jobDetails(job)].filter((text) => text !== "").join("\n"));
      if (job.status === "done") void vscode.window.showInformationMessage(message);
      else showErrorWithOutput(context, message);
      return;
    }
    // No outcome: the job may well be queued, and runs when a worker takes it.
    if (cancel.signal.aborted) {
      context.output.info(vscode.l10n.t("stopped waiting for the job of {0}; it stays queued (Show Production Status tells)", target.graph));
    } else if (backstop.aborted || isStillPending(result)) {
      const message = vscode.l10n.t(
        "Stepgraph: no result from {0} within {1} s; it stays queued (Show Production Status tells). Are its workers running?",
        target.graph,
        SUBMIT_TIMEOUT_SECONDS,
      );
      context.output.warn(message);
      showWarningWithOutput(context, message);
    } else if (result.exitCode !== 0) {
      reportCliFailure(context, what, result);
    } else {
      reportError(context, what, new Error(vscode.l10n.t("the CLI printed no job result: {0}", result.stdout.trim() || vscode.l10n.t("(nothing)"))));
    }
  } catch (e) {
    reportError(context, what, e);
  }
}

/** NAME.input.json or input.json next to the graph, else JSON typed in; undefined when the user cancels. */
async function jobInput(graphPath: string): Promise<JobInput | undefined> {
  const file = defaultInputFile(graphPath);
  if (file) return { file };
  const json = await vscode.window.showInputBox({
    title: vscode.l10n.t("Stepgraph: Submit Job"),
    prompt: vscode.l10n.t("The job's input: a JSON object whose properties are the graph's inputs (no NAME.input.json or input.json next to the graph)."),
    value: "{}",
    ignoreFocusOut: true,
    validateInput: jobInputProblem,
  });
  return json === undefined ? undefined : { json };
}
