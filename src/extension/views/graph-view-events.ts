// The graph view and debug sessions: a stepgraph session opens its graph's view beside the
// editor (setting stepgraph.graphView.open, "onDebug" by default), its `stepgraphRunView`
// custom events go to that view, and when it ends the view stops showing a current node.
import * as vscode from "vscode";
import { RUN_VIEW_EVENT, type RunView } from "../../runtime/run-view";
import { DEBUG_TYPE } from "../debug-configuration";
import { graphViewOpen } from "../settings";
import type { GraphPanels } from "./graph-panels";
import { sessionGraphPath } from "./session-graph";

export function followDebugSessions(panels: GraphPanels): vscode.Disposable {
  const graphOf = (session: vscode.DebugSession) => sessionGraphPath(session.configuration.graph, session.workspaceFolder?.uri.fsPath);
  return vscode.Disposable.from(
    vscode.debug.onDidStartDebugSession((session) => {
      const graph = session.type === DEBUG_TYPE ? graphOf(session) : undefined;
      if (graph === undefined) return;
      const file = vscode.Uri.file(graph);
      // A view already open forgets the last run's states either way.
      const panel = graphViewOpen(file) === "onDebug" ? panels.show(file, { preserveFocus: true }) : panels.of(graph);
      panel?.showRunView(null);
    }),
    vscode.debug.onDidReceiveDebugSessionCustomEvent((event) => {
      if (event.session.type !== DEBUG_TYPE || event.event !== RUN_VIEW_EVENT) return;
      const view = event.body as RunView | undefined;
      if (typeof view?.file === "string" && typeof view.nodes === "object") panels.showRunView(view);
    }),
    vscode.debug.onDidTerminateDebugSession((session) => {
      const graph = session.type === DEBUG_TYPE ? graphOf(session) : undefined;
      if (graph !== undefined) panels.of(graph)?.sessionEnded();
    }),
  );
}
