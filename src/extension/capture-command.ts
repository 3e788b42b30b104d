// Capture Node on Production: `stepgraph capture NAME NODE --count N [--where CONDITION] --json`
// on the node under the cursor (else one picked from the graph's nodes): the live workers
// record that node's calls without stopping; each record goes to the output channel (and the
// production view) as it comes, with a notification counting them, whose Cancel withdraws
// the capture point (the CLI withdraws on SIGTERM, as on Ctrl-C). Refused in an untrusted
// workspace: it changes what production does.
import * as vscode from "vscode";
import { isRecord, tryJson } from "./cli-json";
import type { StepgraphContext } from "./context";
import { reportCliFailure, reportError } from "./failure-messages";
import { nodeAtLine, nodeNames } from "./node-at-line";
import { captureArguments, displayedCommand } from "./production-arguments";
import { productionTarget } from "./production-target";
import { runCli } from "./run-cli";
import { graphArgument } from "./target-graph";
import { refusedAsUntrusted } from "./workspace-trust";

/** As the CLI: at most this many calls. */
const MAX_COUNT = 1_000_000;
const DEFAULT_COUNT = 10;

/** `recorded`: called at each record (the production view reads them again). */
export async function captureNode(context: StepgraphContext, argument: unknown, recorded: () => void): Promise<void> {
  if (refusedAsUntrusted()) return;
  const target = await productionTarget(graphArgument(argument));
  if (!target) return;
  const node = await chooseNode(target.file);
  if (node === undefined) return;
  const countText = await vscode.window.showInputBox({
    title: vscode.l10n.t("Stepgraph: Capture Node on Production"),
    prompt: vscode.l10n.t("How many calls of {0} to record on the live workers of {1}", node, target.graph),
    value: String(DEFAULT_COUNT),
    ignoreFocusOut: true,
    validateInput: (text) => (countOf(text) === undefined ? vscode.l10n.t("A whole number from 1 to {0}", MAX_COUNT) : undefined),
  });
  const count = countText === undefined ? undefined : countOf(countText);
  if (count === undefined) return;
  const where = await vscode.window.showInputBox({
    title: vscode.l10n.t("Stepgraph: Capture Node on Production"),
    prompt: vscode.l10n.t("Only the calls whose values satisfy a condition, written as in 'when' (empty: every call)"),
    placeHolder: vscode.l10n.t("e.g. order.total > 100"),
    ignoreFocusOut: true,
  });
  if (where === undefined) return;
  const args = captureArguments(target.graph, node, { count, ...(where.trim() === "" ? {} : { where: where.trim() }) }, target.redis);
  const what = vscode.l10n.t({ message: "capturing {0} of {1}", args: [node, target.graph], comment: "what failed, in 'Stepgraph: {0} failed: …'" });
  context.output.info(displayedCommand(args));
  let records = 0;
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t("Capturing {0} of {1} on production", node, target.graph), cancellable: true },
      (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        progress.report({ message: vscode.l10n.t("{0} of {1} recorded", 0, count) });
        return runCli(context.paths.cli, args, {
          cwd: target.cwd,
          signal: abort.signal,
          onLine: (line) => {
            const record = tryJson(line);
            if (!isRecord(record)) return;
            records++;
            context.output.info(vscode.l10n.t("capture {0}: {1}", node, line));
            progress.report({ message: vscode.l10n.t("{0} of {1} recorded", records, count), increment: 100 / count });
            recorded();
          },
        });
      },
    );
    recorded();
    if (result.exitCode !== 0) return reportCliFailure(context, what, result);
    void vscode.window.showInformationMessage(vscode.l10n.t("Stepgraph: recorded {0} calls of {1}; the capture point is withdrawn (the records are in the Stepgraph output).", records, node));
  } catch (e) {
    reportError(context, what, e);
  }
}

/** The node under the cursor of the graph's editor, else one the user picks. */
async function chooseNode(file: vscode.Uri): Promise<string | undefined> {
  const document = await vscode.workspace.openTextDocument(file);
  const editor = vscode.window.activeTextEditor;
  const underCursor = editor?.document.uri.toString() === file.toString() ? nodeAtLine(document.getText(), editor.selection.active.line) : undefined;
  if (underCursor !== undefined) return underCursor;
  return vscode.window.showQuickPick(nodeNames(document.getText()), { title: vscode.l10n.t("Stepgraph: Capture Node on Production"), placeHolder: vscode.l10n.t("The node whose calls the live workers record") });
}

function countOf(text: string): number | undefined {
  const count = Number(text.trim());
  return Number.isInteger(count) && count >= 1 && count <= MAX_COUNT ? count : undefined;
}
