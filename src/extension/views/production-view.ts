// The production view (the "Stepgraph" activity bar container): the rows of production-tree.ts,
// read from the CLI against the Redis the `stepgraph.redis.url` setting points production at,
// read again every REFRESH_MS while the view is visible, and at once after an action.
import * as vscode from "vscode";
import type { StepgraphContext } from "../context";
import { errorText } from "../output";
import { workspaceProduction } from "../production-target";
import { runCli } from "../run-cli";
import { readProductionSnapshot } from "./production-snapshot";
import { PRODUCTION_VIEW_ID, productionRows, type ProductionRow } from "./production-tree";

const REFRESH_MS = 5000;

export class ProductionView implements vscode.TreeDataProvider<ProductionRow>, vscode.Disposable {
  private rows: ProductionRow[] = [];
  private readonly changed = new vscode.EventEmitter<undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly view: vscode.TreeView<ProductionRow>;
  private timer: NodeJS.Timeout | undefined;
  /** The refresh under way; another one asked for meanwhile follows it. */
  private reading: Promise<void> | undefined;
  private again = false;

  constructor(private readonly context: StepgraphContext) {
    this.view = vscode.window.createTreeView(PRODUCTION_VIEW_ID, { treeDataProvider: this, showCollapseAll: true });
    this.view.onDidChangeVisibility(() => this.follow());
    this.follow();
  }

  getTreeItem(row: ProductionRow): vscode.TreeItem {
    const state = row.children === undefined || row.children.length === 0 ? vscode.TreeItemCollapsibleState.None : row.expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed;
    const item = new vscode.TreeItem(row.label, state);
    item.id = row.id;
    item.description = row.description;
    item.tooltip = row.tooltip;
    item.iconPath = new vscode.ThemeIcon(row.icon);
    item.contextValue = row.kind;
    return item;
  }

  getChildren(row?: ProductionRow): ProductionRow[] {
    return row ? (row.children ?? []) : this.rows;
  }

  /** Reads production again now (after an action, or from the view's refresh button). */
  refresh(): Promise<void> {
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    this.reading = this.read().finally(() => {
      this.reading = undefined;
      if (this.again) {
        this.again = false;
        void this.refresh();
      }
    });
    return this.reading;
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.view.dispose();
    this.changed.dispose();
  }

  /** Reads every REFRESH_MS while visible; nothing while hidden. */
  private follow(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (!this.view.visible) return;
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), REFRESH_MS);
  }

  private async read(): Promise<void> {
    const { redis, cwd } = workspaceProduction();
    try {
      const snapshot = await readProductionSnapshot((args) => runCli(this.context.paths.cli, args, { cwd }), redis);
      this.rows = productionRows(snapshot, redis.label);
    } catch (e) {
      this.rows = productionRows({ ok: false, problem: errorText(e) }, redis.label);
    }
    this.changed.fire(undefined);
  }
}
