// The workspace's .graph file of a graph name (its `graph NAME` statement): for the
// production view's actions, which know a deployed graph by its name only. The active
// editor's graph first, then the workspace's files.
import { readFile } from "node:fs/promises";
import * as vscode from "vscode";
import { graphNameOf } from "./graph-name";

/** The most .graph files looked through. */
const MAX_GRAPH_FILES = 500;

export async function graphFileOf(graph: string): Promise<vscode.Uri | undefined> {
  const active = vscode.window.activeTextEditor?.document;
  if (active?.languageId === "stepgraph" && active.uri.scheme === "file" && graphNameOf(active.getText()) === graph) return active.uri;
  const files = await vscode.workspace.findFiles("**/*.graph", "**/node_modules/**", MAX_GRAPH_FILES);
  for (const file of files) {
    const text = await readFile(file.fsPath, "utf8").catch(() => "");
    if (graphNameOf(text) === graph) return file;
  }
  return undefined;
}
