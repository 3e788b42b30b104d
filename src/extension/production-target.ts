// What every production command needs to know about its graph: the file, its `graph NAME`,
// the folder to run the CLI in, and the Redis the setting points production at.
import { homedir } from "node:os";
import { dirname } from "node:path";
import * as vscode from "vscode";
import { graphNameOf } from "./graph-name";
import { productionRedis, REDIS_URL_ENV, type ProductionRedis } from "./production-arguments";
import { launchSettings } from "./settings";
import { targetGraph } from "./target-graph";

/** Where production is for the window: the Redis and the folder the CLI runs in. */
export interface ProductionPlace {
  /** Where the CLI runs: the workspace folder, else the graph's folder. */
  cwd: string;
  redis: ProductionRedis;
}

export interface ProductionTarget extends ProductionPlace {
  file: vscode.Uri;
  /** The `graph NAME` the queues, versions and status are kept under. */
  graph: string;
  /** The scope to read the settings for. */
  scope: vscode.ConfigurationScope;
}

/**
 * Production as the window's first workspace folder's settings say (the production view's,
 * and its actions', which name a graph rather than a file); the home folder without one.
 */
export function workspaceProduction(): ProductionPlace {
  const folder = vscode.workspace.workspaceFolders?.[0];
  return { redis: productionRedis(launchSettings(folder).redisUrl, process.env[REDIS_URL_ENV]), cwd: folder?.uri.fsPath ?? homedir() };
}

/**
 * The target of a production command, or undefined after telling the user why there is
 * none. `save` writes unsaved edits first: the CLI deploys the file on disk, and deploying
 * something other than what the editor shows would surprise.
 */
export async function productionTarget(uri: vscode.Uri | undefined, options: { save?: boolean } = {}): Promise<ProductionTarget | undefined> {
  const file = targetGraph(uri, vscode.l10n.t("Stepgraph: open a .graph file first: production commands act on the graph in the active editor."));
  if (!file) return undefined;
  // The open document (with its edits) when there is one, else the file as on disk.
  const document = await vscode.workspace.openTextDocument(file);
  if (options.save && document.isDirty && !(await document.save())) {
    void vscode.window.showErrorMessage(vscode.l10n.t("Stepgraph: {0} could not be saved, so it was not deployed.", vscode.workspace.asRelativePath(file)));
    return undefined;
  }
  const graph = graphNameOf(document.getText());
  if (graph === undefined) {
    void vscode.window.showErrorMessage(vscode.l10n.t("Stepgraph: {0} has no 'graph NAME' statement.", vscode.workspace.asRelativePath(file)));
    return undefined;
  }
  const folder = vscode.workspace.getWorkspaceFolder(file);
  return {
    file,
    graph,
    scope: folder ?? file,
    cwd: folder?.uri.fsPath ?? dirname(file.fsPath),
    redis: productionRedis(launchSettings(folder ?? file).redisUrl, process.env[REDIS_URL_ENV]),
  };
}
