// Pin Output and Unpin, from the Variables pane's context menu on a node's output (the
// debug adapter marks outputs with the menu context the items' `when` reads). Pin Output
// takes the output's pin file text from the adapter and the edit of the node's line from
// the language server (which parses; the extension does not), and applies both as one
// WorkspaceEdit: one undo. Unpin takes the option out and deletes the pin file, as one edit
// too. The running session goes on with the graph as it was loaded; the next run uses the pin.
import * as vscode from "vscode";
import { PIN_TEXT_REQUEST, type PinTextArguments, type PinTextBody } from "../../debug-adapter/output-pins";
import { PIN_EDIT_REQUEST, type PinEditParams, type PinEditResult } from "../language-server/custom-protocol";
import type { StepgraphContext } from "./context";
import { DEBUG_TYPE } from "./debug-configuration";
import { errorText } from "./output";
import { pinFileOf, pinLocation } from "./pin-path";

/** What VS Code passes a `debug/variables/context` command: the variable and the scope (or variable) holding it. */
interface VariableMenuContext {
  container?: { variablesReference?: unknown };
  variable?: { name?: unknown };
}

export async function pinOutput(context: StepgraphContext, menuContext: unknown): Promise<void> {
  const failed = (reason: string) => void vscode.window.showErrorMessage(vscode.l10n.t("Stepgraph: Pin Output failed: {0}", reason));
  try {
    const output = await outputOf(menuContext);
    const location = pinLocation(output.file, output.node, output.pin);
    const graph = vscode.Uri.file(output.file);
    const { edits } = await pinEdit(context, { uri: graph.toString(), node: output.node, pin: location.option });
    const edit = new vscode.WorkspaceEdit();
    edit.createFile(vscode.Uri.file(location.file), { overwrite: true, contents: new TextEncoder().encode(output.text) });
    setTextEdits(edit, graph, edits);
    if (!(await vscode.workspace.applyEdit(edit))) return failed(vscode.l10n.t("the edit could not be applied"));
    context.output.info(vscode.l10n.t("pinned the output of {0} to {1}", output.node, location.file));
    vscode.window.setStatusBarMessage(vscode.l10n.t("Stepgraph: pinned {0} to {1}; the next run uses it", output.node, location.option), 8000);
  } catch (e) {
    failed(errorText(e));
  }
}

export async function unpinOutput(context: StepgraphContext, menuContext: unknown): Promise<void> {
  const failed = (reason: string) => void vscode.window.showErrorMessage(vscode.l10n.t("Stepgraph: Unpin failed: {0}", reason));
  try {
    const output = await outputOf(menuContext);
    const graph = vscode.Uri.file(output.file);
    const { edits, removedPins } = await pinEdit(context, { uri: graph.toString(), node: output.node, pin: null });
    if (edits.length === 0 && removedPins.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t("Stepgraph: node {0} has no pin in {1}.", output.node, vscode.workspace.asRelativePath(graph)));
      return;
    }
    const edit = new vscode.WorkspaceEdit();
    setTextEdits(edit, graph, edits);
    for (const pin of removedPins) edit.deleteFile(vscode.Uri.file(pinFileOf(output.file, pin)), { ignoreIfNotExists: true });
    if (!(await vscode.workspace.applyEdit(edit))) return failed(vscode.l10n.t("the edit could not be applied"));
    context.output.info(vscode.l10n.t("unpinned {0} ({1})", output.node, removedPins.join(", ")));
    vscode.window.setStatusBarMessage(vscode.l10n.t("Stepgraph: unpinned {0}; the next run runs it", output.node), 8000);
  } catch (e) {
    failed(errorText(e));
  }
}

/** The output the menu was opened on, from the debug session showing it. */
async function outputOf(menuContext: unknown): Promise<PinTextBody> {
  const { container, variable } = (menuContext ?? {}) as VariableMenuContext;
  const session = vscode.debug.activeDebugSession;
  if (session?.type !== DEBUG_TYPE || typeof container?.variablesReference !== "number" || typeof variable?.name !== "string") {
    throw new Error(vscode.l10n.t("open the context menu on a node's output in the Variables pane of a Stepgraph debug session"));
  }
  const args: PinTextArguments = { variablesReference: container.variablesReference, name: variable.name };
  return (await session.customRequest(PIN_TEXT_REQUEST, args)) as PinTextBody;
}

async function pinEdit(context: StepgraphContext, params: PinEditParams): Promise<PinEditResult> {
  const client = context.languageClient;
  if (!client) throw new Error(vscode.l10n.t("the Stepgraph language server is not running (see the Stepgraph output channel)"));
  return client.sendRequest<PinEditResult>(PIN_EDIT_REQUEST, params);
}

function setTextEdits(edit: vscode.WorkspaceEdit, uri: vscode.Uri, edits: PinEditResult["edits"]): void {
  for (const { range, newText } of edits) edit.replace(uri, new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character), newText);
}
