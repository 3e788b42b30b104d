// The open graph views, one per graph file; and where each debug session's RunViews go (to
// the view of the file the session runs).
import * as vscode from "vscode";
import type { RunView } from "../../runtime/run-view";
import { GraphPanel, type GraphPanelHost } from "./graph-panel";
import { pathKey } from "./session-graph";

export class GraphPanels implements vscode.Disposable {
  private readonly panels = new Map<string, GraphPanel>();

  constructor(private readonly host: GraphPanelHost) {}

  /** The file's view, shown beside the active editor; made when there is none. */
  show(file: vscode.Uri, options: { preserveFocus: boolean }): GraphPanel {
    const key = pathKey(file.fsPath);
    const open = this.panels.get(key);
    if (open) {
      open.reveal(vscode.ViewColumn.Beside, options.preserveFocus);
      return open;
    }
    const panel = new GraphPanel(this.host, file, vscode.ViewColumn.Beside, options.preserveFocus);
    this.panels.set(key, panel);
    panel.onDidDispose(() => {
      if (this.panels.get(key) === panel) this.panels.delete(key);
    });
    return panel;
  }

  /** The view of the graph file at `path`, if one is open. */
  of(path: string): GraphPanel | undefined {
    return this.panels.get(pathKey(path));
  }

  showRunView(view: RunView): void {
    this.of(view.file)?.showRunView(view);
  }

  dispose(): void {
    for (const panel of [...this.panels.values()]) panel.dispose();
    this.panels.clear();
  }
}
