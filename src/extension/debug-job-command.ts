// Debug Job, on a dead job of the production view: the replay of that job in a new debug
// session (docs/debugging.md, "Replaying a production job"), with the workspace's graph and
// code and the values production recorded; it stops before the node that failed. The
// configuration resolver adds the production Redis (the setting) and refuses in an
// untrusted workspace.
import * as vscode from "vscode";
import { replayLaunchConfiguration } from "./debug-configuration";
import { graphFileOf } from "./graph-file-of";
import { productionRowOf } from "./views/production-tree";
import { refusedAsUntrusted } from "./workspace-trust";

export async function debugJob(argument: unknown): Promise<void> {
  if (refusedAsUntrusted()) return;
  const row = productionRowOf(argument);
  if (row?.graph === undefined || row.job === undefined) {
    void vscode.window.showErrorMessage(vscode.l10n.t("Stepgraph: Debug Job acts on a dead job of the production view."));
    return;
  }
  const file = await graphFileOf(row.graph);
  if (!file) {
    void vscode.window.showErrorMessage(vscode.l10n.t("Stepgraph: no .graph file of this workspace has 'graph {0}': open the folder of the graph to debug its job {1}.", row.graph, row.job));
    return;
  }
  await vscode.debug.startDebugging(vscode.workspace.getWorkspaceFolder(file), replayLaunchConfiguration(file.fsPath, row.job));
}
