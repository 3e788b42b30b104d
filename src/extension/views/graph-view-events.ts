// The graph view and debug sessions: a stepgraph session opens its graph's view beside the
// editor (setting stepgraph.graphView.open, "onDebug" by default), its `stepgraphRunView`
// custom events go to that view, and when it ends the view stops showing a current node.
import * as vscode from "vscode";
import { RUN_VIEW_EVENT } from "../../runtime/run-view";
import { DEBUG_TYPE } from "../debug-configuration";
import { graphViewOpen } from "../settings";
import type { GraphPanels } from "./graph-panels";
import { graphOfSession } from "./graph-sessions";
import { runViewIn } from "./session-graph";

export function followDebugSessions(panels: GraphPanels): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.debug.onDidStartDebugSession((session) => {
      const graph = graphOfSession(session);
      if (graph === undefined) return;
      const file = vscode.Uri.file(graph);
      // A view already open forgets the last run's states either way.
      const panel = graphViewOpen(file) === "onDebug" ? panels.show(file, { preserveFocus: true }) : panels.of(graph);
      panel?.showRunView(null);
    }),
    vscode.debug.onDidReceiveDebugSessionCustomEvent((event) => {
      if (event.session.type !== DEBUG_TYPE || event.event !== RUN_VIEW_EVENT) return;
      const view = runViewIn(event.body);
      if (view) panels.showRunView(view);
    }),
    vscode.debug.onDidTerminateDebugSession((session) => {
      const graph = graphOfSession(session);
      if (graph !== undefined) panels.of(graph)?.sessionEnded();
    }),
  );
}
