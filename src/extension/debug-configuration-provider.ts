// The vscode face of debug-configuration.ts: gathers the active editor, the settings, the
// workspace folder and Workspace Trust, and shows the message when a launch is refused.
import * as vscode from "vscode";
import { graphLaunchConfiguration, resolveDebugConfiguration, type ResolutionContext } from "./debug-configuration";
import { launchSettings } from "./settings";

/** Completes launch configurations (F5 with no launch.json included). */
export class StepgraphConfigurationResolver implements vscode.DebugConfigurationProvider {
  resolveDebugConfiguration(folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): vscode.DebugConfiguration | undefined {
    const resolution = resolveDebugConfiguration(config, resolutionContext(folder));
    if (!resolution.ok) {
      void vscode.window.showErrorMessage(resolution.message);
      // undefined (not null) aborts the launch without opening launch.json.
      return undefined;
    }
    return resolution.configuration;
  }
}

/** Offers "Debug NAME.graph" for every graph file in the workspace (the Run and Debug view's Stepgraph entry). */
export class GraphFilesConfigurationProvider implements vscode.DebugConfigurationProvider {
  async provideDebugConfigurations(folder: vscode.WorkspaceFolder | undefined, token?: vscode.CancellationToken): Promise<vscode.DebugConfiguration[]> {
    const include = folder ? new vscode.RelativePattern(folder, "**/*.graph") : "**/*.graph";
    const files = await vscode.workspace.findFiles(include, "**/node_modules/**", 100, token);
    return files.map((file) => graphLaunchConfiguration(file.fsPath));
  }
}

function resolutionContext(folder: vscode.WorkspaceFolder | undefined): ResolutionContext {
  const document = vscode.window.activeTextEditor?.document;
  const workspaceFolder = folder ?? (document ? vscode.workspace.getWorkspaceFolder(document.uri) : undefined);
  return {
    activeFile: document && document.uri.scheme === "file" ? { path: document.uri.fsPath, languageId: document.languageId } : undefined,
    workspaceFolder: workspaceFolder?.uri.fsPath,
    settings: launchSettings(workspaceFolder ?? document?.uri),
    trusted: vscode.workspace.isTrusted,
  };
}
