// Stepgraph: Open Example, the walkthrough's first step. The orders example already in the
// workspace (the repository's examples/orders, or a copy made before) is opened in the
// editor; otherwise the user picks a folder, the example is copied into it as orders/
// (example-folder.ts), and that folder is opened as the workspace: in this window when it
// has no folder open, else where the user says.
import { homedir } from "node:os";
import * as vscode from "vscode";
import { EXAMPLE, isExampleGraph, placeExample } from "./example-folder";

/** `source`: the example shipped with the extension (its examples/orders). */
export async function openExample(source: string): Promise<void> {
  const inWorkspace = await exampleInWorkspace();
  if (inWorkspace) {
    await vscode.window.showTextDocument(inWorkspace);
    return;
  }
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    canSelectMany: false,
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(homedir()),
    title: vscode.l10n.t("Stepgraph: the folder to copy the orders example into (as orders/)"),
    openLabel: vscode.l10n.t("Copy the Example Here"),
  });
  if (!picked?.[0]) return;
  const placement = placeExample(source, picked[0].fsPath);
  if (!placement.ok) {
    void vscode.window.showErrorMessage(placement.message);
    return;
  }
  const folder = vscode.Uri.file(placement.folder);
  if (vscode.workspace.getWorkspaceFolder(folder)) {
    await vscode.window.showTextDocument(vscode.Uri.file(placement.graphFile));
    return;
  }
  await openFolder(folder, placement.copied);
}

/** orders.graph with `graph orders` in an open workspace folder, if there is one. */
async function exampleInWorkspace(): Promise<vscode.Uri | undefined> {
  const files = await vscode.workspace.findFiles(`**/${EXAMPLE.file}`, "**/node_modules/**", 20);
  return files.find((file) => file.scheme === "file" && isExampleGraph(file.fsPath));
}

/** Opens the example's folder: the window reloads with it (a window with folders asks first). */
async function openFolder(folder: vscode.Uri, copied: boolean): Promise<void> {
  if (!vscode.workspace.workspaceFolders?.length) {
    await vscode.commands.executeCommand("vscode.openFolder", folder);
    return;
  }
  const open = vscode.l10n.t("Open");
  const openInNewWindow = vscode.l10n.t("Open in New Window");
  const message = copied
    ? vscode.l10n.t("Stepgraph: the orders example was copied to {0}. Open that folder?", folder.fsPath)
    : vscode.l10n.t("Stepgraph: the orders example is in {0}. Open that folder?", folder.fsPath);
  const choice = await vscode.window.showInformationMessage(message, open, openInNewWindow);
  if (choice === undefined) return;
  await vscode.commands.executeCommand("vscode.openFolder", folder, { forceNewWindow: choice === openInNewWindow });
}
