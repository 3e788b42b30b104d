// The extension's state, in one place (as rust-analyzer's Ctx): the output channel, the
// cache status bar item, the language client and the paths of the bundles it starts.
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { CacheStatusBar } from "./cache-status-bar";
import { createLanguageClient } from "./language-client";
import { createOutputChannel, errorText } from "./output";
import { launchSettings, serverTraceLevel } from "./settings";

/** The bundles next to dist/extension.js. */
export interface BundlePaths {
  debugAdapter: string;
  languageServer: string;
  cli: string;
}

export class StepgraphContext implements vscode.Disposable {
  readonly output = createOutputChannel();
  readonly statusBar = new CacheStatusBar((document) => launchSettings(document).redisUrl);
  readonly paths: BundlePaths;
  private client: LanguageClient | undefined;
  private traceChannel: vscode.OutputChannel | undefined;

  constructor(extensionUri: vscode.Uri) {
    const bundle = (name: string) => vscode.Uri.joinPath(extensionUri, "dist", name).fsPath;
    this.paths = { debugAdapter: bundle("debug-adapter.js"), languageServer: bundle("language-server.js"), cli: bundle("cli.js") };
  }

  /** Starts the language server; a failure is logged, and the rest of the extension works on. */
  async startLanguageClient(): Promise<void> {
    const client = createLanguageClient({
      serverPath: this.paths.languageServer,
      redisUrl: launchSettings().redisUrl.trim() || undefined,
      outputChannel: this.output,
      traceOutputChannel: serverTraceLevel() === "off" ? undefined : this.languageServerTraceChannel(),
    });
    this.client = client;
    try {
      await client.start();
    } catch (e) {
      this.output.error(`the language server did not start: ${errorText(e)}`);
    }
  }

  /** Restarts the server with the current settings (it is started with the Redis URL and trace channel). */
  async restartLanguageClient(): Promise<void> {
    await this.stopLanguageClient();
    await this.startLanguageClient();
  }

  async stopLanguageClient(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client?.needsStop()) await client.stop().catch((e: unknown) => this.output.warn(`stopping the language server: ${errorText(e)}`));
  }

  dispose(): void {
    void this.stopLanguageClient();
    this.statusBar.dispose();
    this.traceChannel?.dispose();
    this.output.dispose();
  }

  /** Made only once tracing is on, so that the channel list stays short. */
  private languageServerTraceChannel(): vscode.OutputChannel {
    this.traceChannel ??= vscode.window.createOutputChannel("Stepgraph Language Server Trace");
    return this.traceChannel;
  }
}
