// How a production command reports a failure: one line in a notification, everything in
// the output channel, and a button to open it.
import * as vscode from "vscode";
import { cliFailureLine } from "./cli-failure";
import type { StepgraphContext } from "./context";
import { withDeployKeyHint } from "./deploy-key-text";
import { errorText } from "./output";
import type { CliResult } from "./run-cli";

const SHOW_OUTPUT = "Show Output";

/** A CLI run that exited non-zero: `what` names the action, e.g. "deploying orders". */
export function reportCliFailure(context: StepgraphContext, what: string, result: CliResult): void {
  context.output.error(`${what} failed (exit code ${result.exitCode})${result.stderr.trim() ? `:\n${result.stderr.trimEnd()}` : ""}`);
  if (result.stdout.trim()) context.output.info(result.stdout.trimEnd());
  showErrorWithOutput(context, withDeployKeyHint(`Stepgraph: ${what} failed: ${cliFailureLine(result)}`));
}

/** A CLI that could not be run at all (or printed what could not be read). */
export function reportError(context: StepgraphContext, what: string, error: unknown): void {
  context.output.error(`${what} failed: ${errorText(error)}`);
  showErrorWithOutput(context, `Stepgraph: ${what} failed: ${errorText(error)}`);
}

export function showErrorWithOutput(context: StepgraphContext, message: string): void {
  void vscode.window.showErrorMessage(message, SHOW_OUTPUT).then((choice) => {
    if (choice === SHOW_OUTPUT) context.output.show(true);
  });
}

export function showWarningWithOutput(context: StepgraphContext, message: string): void {
  void vscode.window.showWarningMessage(message, SHOW_OUTPUT).then((choice) => {
    if (choice === SHOW_OUTPUT) context.output.show(true);
  });
}
