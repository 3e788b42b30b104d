// How a production command reports a failure: one line in a notification, everything in
// the output channel, and a button to open it.
import * as vscode from "vscode";
import { cliFailureLine } from "./cli-failure";
import type { StepgraphContext } from "./context";
import { withDeployKeyHint } from "./deploy-key-text";
import { errorText } from "./output";
import type { CliResult } from "./run-cli";

/** A CLI run that exited non-zero: `what` names the action, e.g. "deploying orders" (translated by the caller). */
export function reportCliFailure(context: StepgraphContext, what: string, result: CliResult): void {
  const failed = vscode.l10n.t("{0} failed (exit code {1})", what, result.exitCode);
  // The CLI's stderr on lines of its own, as it printed them.
  context.output.error(result.stderr.trim() ? `${failed}:\n${result.stderr.trimEnd()}` : failed);
  if (result.stdout.trim()) context.output.info(result.stdout.trimEnd());
  showErrorWithOutput(context, withDeployKeyHint(vscode.l10n.t("Stepgraph: {0} failed: {1}", what, cliFailureLine(result))));
}

/** A CLI that could not be run at all (or printed what could not be read). */
export function reportError(context: StepgraphContext, what: string, error: unknown): void {
  context.output.error(vscode.l10n.t("{0} failed: {1}", what, errorText(error)));
  showErrorWithOutput(context, vscode.l10n.t("Stepgraph: {0} failed: {1}", what, errorText(error)));
}

export function showErrorWithOutput(context: StepgraphContext, message: string): void {
  const showOutput = vscode.l10n.t("Show Output");
  void vscode.window.showErrorMessage(message, showOutput).then((choice) => {
    if (choice === showOutput) context.output.show(true);
  });
}

export function showWarningWithOutput(context: StepgraphContext, message: string): void {
  const showOutput = vscode.l10n.t("Show Output");
  void vscode.window.showWarningMessage(message, showOutput).then((choice) => {
    if (choice === showOutput) context.output.show(true);
  });
}
