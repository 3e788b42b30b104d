// The extension's entry point (bundled to dist/extension.js): wires the context, the
// debugger, the commands and the listeners that keep the status bar and server current.
import * as l10n from "@vscode/l10n";
import * as vscode from "vscode";
import { registerCommands } from "./commands";
import { registerProductionView } from "./production-view-commands";
import { StepgraphContext } from "./context";
import { DebugAdapterFactory, DebugAdapterLogger } from "./debug-adapter";
import { DEBUG_TYPE } from "./debug-configuration";
import { GraphFilesConfigurationProvider, StepgraphConfigurationResolver } from "./debug-configuration-provider";
import { affectsLanguageServer } from "./settings";
import { followDebugSessions } from "./views/graph-view-events";

let context: StepgraphContext | undefined;

export async function activate(extension: vscode.ExtensionContext): Promise<void> {
  shareTranslations();
  context = new StepgraphContext(extension.extensionUri, extension.secrets);
  extension.subscriptions.push(context, registerDebugger(context), registerCommands(context), registerProductionView(context), watchEditorsAndSettings(context), followDebugSessions(context.graphPanels));
  void context.statusBar.update(vscode.window.activeTextEditor);
  await context.startLanguageClient();
}

export async function deactivate(): Promise<void> {
  // Workers get SIGTERM and finish their jobs in flight; they exit on their own even if
  // VS Code does not wait that long.
  await Promise.all([context?.stopLanguageClient(), context?.stopLocalWorkers()]);
  context = undefined;
}

/**
 * The modules of src/extension that import no `vscode` (pure, so that node:test covers their
 * messages) translate through @vscode/l10n; it is handed the bundle VS Code loaded for the
 * display language, the same l10n/bundle.l10n.json that vscode.l10n.t reads. No bundle (English):
 * both return the English text.
 */
function shareTranslations(): void {
  if (vscode.l10n.bundle) l10n.config({ contents: vscode.l10n.bundle });
}

function registerDebugger(context: StepgraphContext): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new StepgraphConfigurationResolver()),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new GraphFilesConfigurationProvider(), vscode.DebugConfigurationProviderTriggerKind.Dynamic),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, new DebugAdapterFactory(context.paths.debugAdapter)),
    vscode.debug.registerDebugAdapterTrackerFactory(DEBUG_TYPE, new DebugAdapterLogger(context.output)),
  );
}

function watchEditorsAndSettings(context: StepgraphContext): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.window.onDidChangeActiveTextEditor((editor) => void context.statusBar.update(editor)),
    // A session may have started or stopped a Redis: check again.
    vscode.debug.onDidTerminateDebugSession((session) => {
      if (session.type !== DEBUG_TYPE) return;
      context.statusBar.invalidate();
      void context.statusBar.update(vscode.window.activeTextEditor);
      // The run cached outputs: the CodeLens above their nodes is asked for again.
      context.notifyCacheChanged();
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration("stepgraph.redis.url")) {
        context.statusBar.invalidate();
        void context.statusBar.update(vscode.window.activeTextEditor);
      }
      if (affectsLanguageServer(event)) void context.restartLanguageClient();
    }),
  );
}
