// The graph file a command acts on: the one whose editor-title button was pressed (or
// explorer entry chosen), else the active editor's graph file.
import * as vscode from "vscode";
import { NO_GRAPH_MESSAGE } from "./debug-configuration";

/** The graph file, or undefined after telling the user there is none (`noGraphMessage`). */
export function targetGraph(uri: vscode.Uri | undefined, noGraphMessage = NO_GRAPH_MESSAGE): vscode.Uri | undefined {
  const document = vscode.window.activeTextEditor?.document;
  const target = uri ?? (document?.languageId === "stepgraph" ? document.uri : undefined);
  if (target?.scheme === "file") return target;
  void vscode.window.showErrorMessage(noGraphMessage);
  return undefined;
}
