// The commands of the "Stepgraph" category: Debug Graph, Run Graph (no stops) and Clear
// Cache for This Graph; Show Graph (the graph view); and production's Deploy Graph,
// Start/Stop Local Workers, Submit Job, Show Production Status and Set Deploy Key (the production
// view's commands are production-view-commands.ts). Each acts
// on the file whose editor-title button (or CodeLens) was pressed, else the active editor's
// graph file. And Pin Output and Unpin, from the Variables pane's context menu on a node's
// output. Open Example (the walkthrough's first step) needs no graph.
import { dirname } from "node:path";
import * as vscode from "vscode";
import { SHOW_OUTPUT_COMMAND } from "./cache-status-bar";
import { cliFailureLine } from "./cli-failure";
import type { StepgraphContext } from "./context";
import { graphLaunchConfiguration } from "./debug-configuration";
import { deployGraph } from "./deploy-command";
import { setDeployKey } from "./deploy-key";
import { openExample } from "./example-command";
import { startLocalWorkers, stopLocalWorkers } from "./local-workers-commands";
import { errorText } from "./output";
import { pinOutput, unpinOutput } from "./pin-output";
import { runCli } from "./run-cli";
import { launchSettings } from "./settings";
import { showProductionStatus } from "./status-command";
import { submitJob } from "./submit-command";
import { graphArgument, targetGraph } from "./target-graph";
import { refusedAsUntrusted } from "./workspace-trust";

export function registerCommands(context: StepgraphContext): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand("stepgraph.debugGraph", (uri?: unknown) => launchGraph(graphArgument(uri), false)),
    vscode.commands.registerCommand("stepgraph.runGraph", (uri?: unknown) => launchGraph(graphArgument(uri), true)),
    vscode.commands.registerCommand("stepgraph.clearCache", (uri?: unknown) => clearCache(context, graphArgument(uri))),
    vscode.commands.registerCommand("stepgraph.showGraph", (uri?: unknown) => showGraph(context, graphArgument(uri))),
    vscode.commands.registerCommand("stepgraph.deployGraph", (uri?: unknown) => deployGraph(context, graphArgument(uri))),
    vscode.commands.registerCommand("stepgraph.startLocalWorkers", (uri?: unknown) => startLocalWorkers(context, graphArgument(uri))),
    vscode.commands.registerCommand("stepgraph.stopLocalWorkers", () => stopLocalWorkers(context)),
    vscode.commands.registerCommand("stepgraph.submitJob", (uri?: unknown) => submitJob(context, graphArgument(uri))),
    vscode.commands.registerCommand("stepgraph.showProductionStatus", (uri?: unknown) => showProductionStatus(context, graphArgument(uri))),
    vscode.commands.registerCommand("stepgraph.pinOutput", (menuContext?: unknown) => pinOutput(context, menuContext)),
    vscode.commands.registerCommand("stepgraph.unpinOutput", (menuContext?: unknown) => unpinOutput(context, menuContext)),
    vscode.commands.registerCommand("stepgraph.setDeployKey", (key?: unknown) => setDeployKey(context.secrets, key)),
    vscode.commands.registerCommand("stepgraph.openExample", () => openExample(context.paths.example)),
    vscode.commands.registerCommand(SHOW_OUTPUT_COMMAND, () => context.output.show(true)),
  );
}

/** Starts a session; the configuration resolver fills in the rest and refuses in an untrusted workspace. */
async function launchGraph(uri: vscode.Uri | undefined, noDebug: boolean): Promise<void> {
  const graph = targetGraph(uri);
  if (!graph) return;
  const folder = vscode.workspace.getWorkspaceFolder(graph);
  await vscode.debug.startDebugging(folder, graphLaunchConfiguration(graph.fsPath, { noDebug }), { noDebug });
}

/** The graph view of the file, beside its editor (and focused). */
function showGraph(context: StepgraphContext, uri: vscode.Uri | undefined): void {
  const graph = targetGraph(uri, vscode.l10n.t("Stepgraph: open a .graph file to show its graph."));
  if (graph) context.graphPanels.show(graph, { preserveFocus: false });
}

/** `stepgraph cache clear FILE` in a child process, against the Redis the setting names. */
async function clearCache(context: StepgraphContext, uri: vscode.Uri | undefined): Promise<void> {
  if (refusedAsUntrusted()) return;
  const graph = targetGraph(uri);
  if (!graph) return;
  const folder = vscode.workspace.getWorkspaceFolder(graph);
  const redisUrl = launchSettings(folder ?? graph).redisUrl.trim();
  const args = ["cache", "clear", graph.fsPath, ...(redisUrl ? ["--redis", redisUrl] : [])];
  // The CLI keeps a private Redis's data under CWD/.stepgraph, as a debug session does.
  const cwd = folder?.uri.fsPath ?? dirname(graph.fsPath);
  context.output.info(`stepgraph ${args.slice(0, 3).join(" ")}${redisUrl ? " --redis ..." : ""}`);
  try {
    const result = await runCli(context.paths.cli, args, { cwd });
    if (result.stderr.trim()) context.output.warn(result.stderr.trim());
    if (result.exitCode === 0) {
      context.notifyCacheChanged();
      context.output.info(result.stdout.trim());
      void vscode.window.showInformationMessage(vscode.l10n.t("Stepgraph: {0}", result.stdout.trim()));
    } else {
      void vscode.window.showErrorMessage(vscode.l10n.t("Stepgraph: clearing the cache failed: {0}", cliFailureLine(result)));
    }
  } catch (e) {
    context.output.error(vscode.l10n.t("clearing the cache failed: {0}", errorText(e)));
    void vscode.window.showErrorMessage(vscode.l10n.t("Stepgraph: clearing the cache failed: {0}", errorText(e)));
  }
}
