// The running stepgraph debug sessions, by the graph file each runs, and asking one for its
// RunView as it is now (the adapter's custom request stepgraphRunView): for a graph view
// opened, or drawn again, while its graph is debugged, which has missed the events so far.
import * as vscode from "vscode";
import { RUN_VIEW_REQUEST, type RunView } from "../../runtime/run-view";
import { DEBUG_TYPE } from "../debug-configuration";
import { errorText } from "../output";
import { runViewIn, sessionGraphPath, sessionToAsk } from "./session-graph";

/** The graph file a stepgraph session runs; undefined for another debugger's session. */
export function graphOfSession(session: vscode.DebugSession): string | undefined {
  return session.type === DEBUG_TYPE ? sessionGraphPath(session.configuration.graph, session.workspaceFolder?.uri.fsPath) : undefined;
}

export class GraphSessions implements vscode.Disposable {
  private readonly running: { session: vscode.DebugSession; graph: string }[] = [];
  private readonly listeners: vscode.Disposable;

  constructor(private readonly output: vscode.LogOutputChannel) {
    this.listeners = vscode.Disposable.from(
      vscode.debug.onDidStartDebugSession((session) => {
        const graph = graphOfSession(session);
        if (graph !== undefined) this.running.push({ session, graph });
      }),
      vscode.debug.onDidTerminateDebugSession((session) => {
        const index = this.running.findIndex((entry) => entry.session.id === session.id);
        if (index >= 0) this.running.splice(index, 1);
      }),
    );
  }

  /** The RunView of the session running `file`; undefined when none does, or it has none yet (not launched). */
  async runViewOf(file: string): Promise<RunView | undefined> {
    const session = sessionToAsk(file, this.running, activeStepgraphSession());
    if (session === undefined) return undefined;
    try {
      return runViewIn(await session.customRequest(RUN_VIEW_REQUEST));
    } catch (error) {
      this.output.debug(vscode.l10n.t("graph view: session {0} gave no node states: {1}", session.name, errorText(error)));
      return undefined;
    }
  }

  dispose(): void {
    this.listeners.dispose();
    this.running.length = 0;
  }
}

/** The active session, or the stepgraph session it was started from (a node's code stepped into). */
function activeStepgraphSession(): vscode.DebugSession | undefined {
  let session = vscode.debug.activeDebugSession;
  while (session !== undefined && session.type !== DEBUG_TYPE) session = session.parentSession;
  return session;
}
