// The commands of the "Stepgraph" category: Debug Graph, Run Graph (no stops) and Clear
// Cache for This Graph. Each acts on the file whose editor-title button was pressed, else
// the active editor's graph file.
import { dirname } from "node:path";
import * as vscode from "vscode";
import { graphLaunchConfiguration, NO_GRAPH_MESSAGE, UNTRUSTED_MESSAGE } from "./debug-configuration";
import type { StepgraphContext } from "./context";
import { errorText } from "./output";
import { runCli } from "./run-cli";
import { launchSettings } from "./settings";
import { SHOW_OUTPUT_COMMAND } from "./cache-status-bar";

export function registerCommands(context: StepgraphContext): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand("stepgraph.debugGraph", (uri?: vscode.Uri) => launchGraph(uri, false)),
    vscode.commands.registerCommand("stepgraph.runGraph", (uri?: vscode.Uri) => launchGraph(uri, true)),
    vscode.commands.registerCommand("stepgraph.clearCache", (uri?: vscode.Uri) => clearCache(context, uri)),
    vscode.commands.registerCommand(SHOW_OUTPUT_COMMAND, () => context.output.show(true)),
  );
}

/** The graph file a command acts on, or undefined after telling the user there is none. */
function targetGraph(uri: vscode.Uri | undefined): vscode.Uri | undefined {
  const document = vscode.window.activeTextEditor?.document;
  const target = uri ?? (document?.languageId === "stepgraph" ? document.uri : undefined);
  if (target?.scheme === "file") return target;
  void vscode.window.showErrorMessage(NO_GRAPH_MESSAGE);
  return undefined;
}

/** Starts a session; the configuration resolver fills in the rest and refuses in an untrusted workspace. */
async function launchGraph(uri: vscode.Uri | undefined, noDebug: boolean): Promise<void> {
  const graph = targetGraph(uri);
  if (!graph) return;
  const folder = vscode.workspace.getWorkspaceFolder(graph);
  await vscode.debug.startDebugging(folder, graphLaunchConfiguration(graph.fsPath, { noDebug }), { noDebug });
}

/** `stepgraph cache clear FILE` in a child process, against the Redis the setting names. */
async function clearCache(context: StepgraphContext, uri: vscode.Uri | undefined): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showErrorMessage(UNTRUSTED_MESSAGE);
    return;
  }
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
      context.output.info(result.stdout.trim());
      void vscode.window.showInformationMessage(`Stepgraph: ${result.stdout.trim()}`);
    } else {
      void vscode.window.showErrorMessage(`Stepgraph: clearing the cache failed: ${result.stderr.trim().replace(/^stepgraph: /, "") || `exit code ${result.exitCode}`}`);
    }
  } catch (e) {
    context.output.error(`cache clear: ${errorText(e)}`);
    void vscode.window.showErrorMessage(`Stepgraph: clearing the cache failed: ${errorText(e)}`);
  }
}
