// The production view and the commands that act on what it shows: Refresh, Debug Job, Retry
// Job, Drop Job and Capture Node on Production (also in the palette and the graph editor's
// context menu). The view is read again after each of them.
import * as vscode from "vscode";
import { captureNode } from "./capture-command";
import type { StepgraphContext } from "./context";
import { debugJob } from "./debug-job-command";
import { dropJob, retryJob } from "./dead-job-commands";
import { ProductionView } from "./views/production-view";

export function registerProductionView(context: StepgraphContext): vscode.Disposable {
  const view = new ProductionView(context);
  const refresh = () => void view.refresh();
  return vscode.Disposable.from(
    view,
    vscode.commands.registerCommand("stepgraph.refreshProductionView", () => view.refresh()),
    vscode.commands.registerCommand("stepgraph.debugJob", (row?: unknown) => debugJob(row)),
    vscode.commands.registerCommand("stepgraph.retryJob", (job?: unknown) => retryJob(context, job).then(refresh)),
    vscode.commands.registerCommand("stepgraph.dropJob", (job?: unknown) => dropJob(context, job).then(refresh)),
    vscode.commands.registerCommand("stepgraph.captureNode", (uri?: unknown) => captureNode(context, uri, refresh)),
  );
}
