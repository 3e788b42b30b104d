// The extension's state, in one place (as rust-analyzer's Ctx): the output channel, the
// cache status bar item, the language client, the paths of the bundles it starts, the
// secret storage holding the deploy key, production's local workers and last deploys, the
// open graph views and the debug sessions they show.
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { CACHE_CHANGED_NOTIFICATION } from "../language-server/custom-protocol";
import { CacheStatusBar } from "./cache-status-bar";
import { withDeployKeyHint } from "./deploy-key-text";
import type { DeployResult } from "./deploy-result";
import { showWarningWithOutput } from "./failure-messages";
import { createLanguageClient } from "./language-client";
import { LocalWorkers, type WorkerLog } from "./local-workers";
import { createOutputChannel, errorText } from "./output";
import { codeLensEnabled, launchSettings, serverTraceLevel } from "./settings";
import { GraphPanels } from "./views/graph-panels";
import { GraphSessions } from "./views/graph-sessions";
import { unexpectedExitMessage } from "./worker-messages";

/** The bundles next to dist/extension.js, and the example the extension ships. */
export interface BundlePaths {
  debugAdapter: string;
  languageServer: string;
  cli: string;
  /** examples/orders, which Open Example copies. */
  example: string;
}

export class StepgraphContext implements vscode.Disposable {
  readonly output = createOutputChannel();
  readonly statusBar = new CacheStatusBar((document) => launchSettings(document).redisUrl);
  readonly paths: BundlePaths;
  /** The `stepgraph worker` processes started by Start Local Workers; stopped when the extension is. */
  readonly localWorkers: LocalWorkers;
  /** This window's last deploy of each graph (by name): the loops to start workers for when the status cannot say. */
  readonly deployments = new Map<string, DeployResult>();
  readonly graphPanels: GraphPanels;
  /** The running stepgraph debug sessions, which the graph views ask for their node states. */
  readonly graphSessions = new GraphSessions(this.output);
  private client: LanguageClient | undefined;
  private traceChannel: vscode.OutputChannel | undefined;
  private disposed = false;

  constructor(
    readonly extensionUri: vscode.Uri,
    readonly secrets: vscode.SecretStorage,
  ) {
    const bundle = (name: string) => vscode.Uri.joinPath(extensionUri, "dist", name).fsPath;
    this.paths = {
      debugAdapter: bundle("debug-adapter.js"),
      languageServer: bundle("language-server.js"),
      cli: bundle("cli.js"),
      example: vscode.Uri.joinPath(extensionUri, "examples", "orders").fsPath,
    };
    this.localWorkers = new LocalWorkers(this.paths.cli, this.workerLog(), (worker, exit, lastStderrLine) =>
      showWarningWithOutput(this, withDeployKeyHint(unexpectedExitMessage(worker, exit, lastStderrLine))),
    );
    this.graphPanels = new GraphPanels({ extensionUri, output: this.output, cliPath: this.paths.cli, languageClient: () => this.client, runViewOf: (path) => this.graphSessions.runViewOf(path) });
  }

  /** Starts the language server; a failure is logged, and the rest of the extension works on. */
  async startLanguageClient(): Promise<void> {
    const client = createLanguageClient({
      serverPath: this.paths.languageServer,
      redisUrl: launchSettings().redisUrl.trim() || undefined,
      codeLens: codeLensEnabled(),
      outputChannel: this.output,
      traceOutputChannel: serverTraceLevel() === "off" ? undefined : this.languageServerTraceChannel(),
    });
    this.client = client;
    try {
      await client.start();
    } catch (e) {
      this.output.error(vscode.l10n.t("the language server did not start: {0}", errorText(e)));
    }
  }

  /** Restarts the server with the current settings (it is started with the Redis URL and trace channel). */
  async restartLanguageClient(): Promise<void> {
    await this.stopLanguageClient();
    await this.startLanguageClient();
  }

  /** The running language server, for the extension's own requests (Pin Output); undefined when it is not running. */
  get languageClient(): LanguageClient | undefined {
    return this.client?.isRunning() ? this.client : undefined;
  }

  /** Tells the language server that the cache may have changed, so that the CodeLens of cached nodes is asked for again. */
  notifyCacheChanged(): void {
    this.languageClient?.sendNotification(CACHE_CHANGED_NOTIFICATION).catch((e: unknown) => this.output.warn(vscode.l10n.t("telling the language server the cache changed: {0}", errorText(e))));
  }

  async stopLanguageClient(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client?.needsStop()) await client.stop().catch((e: unknown) => this.output.warn(vscode.l10n.t("stopping the language server: {0}", errorText(e))));
  }

  /** SIGTERM to the local workers, waiting until they have finished their jobs in flight. */
  async stopLocalWorkers(): Promise<void> {
    const report = await this.localWorkers.stopAll();
    const count = report.stopped.length;
    if (count === 0 || this.disposed) return;
    this.output.info(count === 1 ? vscode.l10n.t("stopped 1 local worker as the extension stopped") : vscode.l10n.t("stopped {0} local workers as the extension stopped", count));
  }

  dispose(): void {
    this.disposed = true;
    this.graphPanels.dispose();
    this.graphSessions.dispose();
    void this.stopLanguageClient();
    void this.stopLocalWorkers();
    this.statusBar.dispose();
    this.traceChannel?.dispose();
    this.output.dispose();
  }

  /** The output channel, for workers' lines, which may still come after it was disposed (as the workers stop). */
  private workerLog(): WorkerLog {
    return {
      info: (line) => {
        if (!this.disposed) this.output.info(line);
      },
      warn: (line) => {
        if (!this.disposed) this.output.warn(line);
      },
    };
  }

  /** Made only once tracing is on, so that the channel list stays short. */
  private languageServerTraceChannel(): vscode.OutputChannel {
    this.traceChannel ??= vscode.window.createOutputChannel(vscode.l10n.t("Stepgraph Language Server Trace"));
    return this.traceChannel;
  }
}
