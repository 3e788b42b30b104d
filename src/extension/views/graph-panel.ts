// The graph view of one graph file: a webview panel showing the picture the language server
// builds of it (asked for again, debounced, as the file is edited and its diagnostics
// change), the node states of the file's debug session, and with Production on the
// deployed loops' figures. The webview may be thrown away while hidden: when it says
// `ready` it is sent everything again. A view opened (or made ready) while the file's
// session runs asks the session for its states, having missed its events so far.
import { basename } from "node:path";
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { GRAPH_PICTURE_REQUEST, type GraphPictureParams, type GraphPictureResult } from "../../language-server/custom-protocol";
import type { RunView } from "../../runtime/run-view";
import { webviewMessage, type ExtensionMessage } from "../../webview/messages";
import { errorText } from "../output";
import { productionTarget } from "../production-target";
import { refusedAsUntrusted } from "../workspace-trust";
import { graphViewHtml, newNonce } from "./graph-view-html";
import { graphViewStrings } from "./graph-view-strings";
import { LoopStatsPoller } from "./loop-stats-poller";
import { readLoopStats, type LoopStatsUpdate, type LoopStatsWords } from "./loop-stats-reader";
import { revealLine } from "./reveal-line";

export const GRAPH_VIEW_TYPE = "stepgraph.graphView";

/** How long after the last edit the picture is asked for again. */
const REFRESH_DELAY_MS = 250;

/** What a panel needs of the extension. */
export interface GraphPanelHost {
  extensionUri: vscode.Uri;
  output: vscode.LogOutputChannel;
  cliPath: string;
  languageClient(): LanguageClient | undefined;
  /** The RunView of the running debug session of the graph file at `path`, asked of its adapter; undefined when none runs it. */
  runViewOf(path: string): Promise<RunView | undefined>;
}

export class GraphPanel implements vscode.Disposable {
  private readonly panel: vscode.WebviewPanel;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly disposed = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposed.event;
  private runView: RunView | null = null;
  /** Counts the RunViews shown (and the session's end), so that an answer overtaken by one is dropped. */
  private runViewChanges = 0;
  private production: { poller: LoopStatsPoller<LoopStatsUpdate>; last: LoopStatsUpdate } | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  private pictureRequests = 0;

  constructor(
    private readonly host: GraphPanelHost,
    readonly file: vscode.Uri,
    column: vscode.ViewColumn,
    preserveFocus: boolean,
  ) {
    const roots = ["dist", "media"].map((folder) => vscode.Uri.joinPath(host.extensionUri, folder));
    this.panel = vscode.window.createWebviewPanel(GRAPH_VIEW_TYPE, vscode.l10n.t("Graph: {0}", basename(file.fsPath)), { viewColumn: column, preserveFocus }, { enableScripts: true, localResourceRoots: roots });
    this.panel.webview.html = this.html();
    this.disposables.push(
      this.panel.onDidDispose(() => this.dispose()),
      this.panel.webview.onDidReceiveMessage((message: unknown) => void this.receive(message)),
      this.panel.onDidChangeViewState(() => this.followVisibility()),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.document.uri.toString() === file.toString()) this.scheduleRefresh();
      }),
      // A used subgraph broken or mended changes this file's errors without an edit of it.
      vscode.languages.onDidChangeDiagnostics((event) => {
        if (event.uris.some((uri) => uri.toString() === file.toString())) this.scheduleRefresh();
      }),
    );
    void this.askRunView();
  }

  reveal(column: vscode.ViewColumn, preserveFocus: boolean): void {
    this.panel.reveal(column, preserveFocus);
  }

  /** A RunView of this file's session, or null for none (a new session starting). */
  showRunView(view: RunView | null): void {
    this.runViewChanges++;
    this.runView = view;
    this.post({ type: "runView", view });
  }

  /** The session ended: the states stay, but the run is stopped nowhere any more. */
  sessionEnded(): void {
    this.runViewChanges++;
    if (this.runView?.current === undefined) return;
    const { current: _ended, ...rest } = this.runView;
    this.showRunView(rest);
  }

  dispose(): void {
    if (this.disposables.length === 0) return;
    clearTimeout(this.refreshTimer);
    this.production?.poller.stop();
    this.production = undefined;
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
    this.panel.dispose();
    this.disposed.fire();
    this.disposed.dispose();
  }

  private html(): string {
    const { webview } = this.panel;
    const resource = (...path: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(this.host.extensionUri, ...path)).toString();
    return graphViewHtml({
      cspSource: webview.cspSource,
      nonce: newNonce(),
      // elkjs's one copy in the package, shared with the command line, then the view.
      scripts: [resource("dist", "elk.bundled.js"), resource("dist", "webview.js")],
      style: resource("media", "graph-view.css"),
      strings: graphViewStrings(),
      language: vscode.env.language,
      title: vscode.l10n.t("Graph: {0}", basename(this.file.fsPath)),
    });
  }

  private async receive(raw: unknown): Promise<void> {
    const message = webviewMessage(raw);
    if (message === undefined) return;
    switch (message.type) {
      case "ready":
        this.post({ type: "runView", view: this.runView });
        this.post({ type: "production", on: this.production !== undefined });
        if (this.production) this.post({ type: "loopStats", ...this.production.last });
        void this.askRunView();
        return this.refreshPicture();
      case "reveal":
        return revealLine(this.file, message.line, this.panel.viewColumn).catch((error: unknown) =>
          this.host.output.warn(vscode.l10n.t("graph view: revealing line {0} of {1} failed: {2}", message.line + 1, this.file.fsPath, errorText(error))),
        );
      case "production":
        return message.on ? this.startProduction() : this.stopProduction();
    }
  }

  /** The session running this file, if one does, asked for its states now. */
  private async askRunView(): Promise<void> {
    const asked = this.runViewChanges;
    const view = await this.host.runViewOf(this.file.fsPath);
    // An event (or a new session, or the end) came meanwhile: it is newer than the answer.
    if (view === undefined || asked !== this.runViewChanges || this.disposables.length === 0) return;
    this.showRunView(view);
  }

  private post(message: ExtensionMessage): void {
    // A hidden webview has no page to take it; `ready` brings it all when it is shown again.
    if (this.panel.visible) void this.panel.webview.postMessage(message);
  }

  private scheduleRefresh(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.refreshPicture(), REFRESH_DELAY_MS);
  }

  private async refreshPicture(): Promise<void> {
    const client = this.host.languageClient();
    if (client === undefined || !this.panel.visible) return;
    const request = ++this.pictureRequests;
    try {
      const params: GraphPictureParams = { uri: client.code2ProtocolConverter.asUri(this.file) };
      const result = await client.sendRequest<GraphPictureResult>(GRAPH_PICTURE_REQUEST, params);
      // An answer overtaken by a newer request is dropped.
      if (request === this.pictureRequests) this.post({ type: "picture", picture: result.picture, errorCount: result.errorCount });
    } catch (error) {
      this.host.output.warn(vscode.l10n.t("graph view: the language server did not give the picture of {0}: {1}", this.file.fsPath, errorText(error)));
    }
  }

  /** Production on: refused in an untrusted workspace, and when the file names no graph (the user is told why). */
  private async startProduction(): Promise<void> {
    if (this.production) return;
    const target = refusedAsUntrusted() ? undefined : await productionTarget(this.file);
    if (target === undefined || this.disposables.length === 0) {
      this.post({ type: "production", on: false });
      return;
    }
    const source = { cliPath: this.host.cliPath, graph: target.graph, cwd: target.cwd, redis: target.redis };
    const words: LoopStatsWords = {
      notDeployed: (graph, redis) => vscode.l10n.t("{0} is not deployed to {1}", graph, redis),
      failed: (reason) => vscode.l10n.t("No production figures: {0}", reason),
    };
    const production = {
      last: { loops: null, message: vscode.l10n.t("Reading the production status of {0}…", target.graph) } as LoopStatsUpdate,
      poller: new LoopStatsPoller<LoopStatsUpdate>(
        (signal) => readLoopStats(source, words, signal),
        (update) => {
          production.last = update;
          this.post({ type: "loopStats", ...update });
        },
        (error) => ({ loops: null, message: words.failed(errorText(error)) }),
      ),
    };
    this.production = production;
    this.post({ type: "production", on: true });
    this.post({ type: "loopStats", ...production.last });
    this.followVisibility();
  }

  private stopProduction(): void {
    this.production?.poller.stop();
    this.production = undefined;
    this.post({ type: "production", on: false });
  }

  /** The figures are read only while they can be seen. */
  private followVisibility(): void {
    if (!this.production) return;
    if (this.panel.visible) this.production.poller.start();
    else this.production.poller.stop();
  }
}
