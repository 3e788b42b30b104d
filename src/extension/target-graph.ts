// The graph file a command acts on: the one whose editor-title button was pressed (or
// explorer entry chosen, or CodeLens clicked), else the active editor's graph file.
import * as vscode from "vscode";
import { noGraphMessage } from "./debug-configuration";

/**
 * A command's file argument as a Uri: VS Code's menus pass a Uri, the language server's
 * CodeLens passes the document's URI as a string (LSP arguments are JSON); anything else is
 * no argument.
 */
export function graphArgument(argument: unknown): vscode.Uri | undefined {
  if (argument instanceof vscode.Uri) return argument;
  return typeof argument === "string" && argument !== "" ? vscode.Uri.parse(argument, true) : undefined;
}

/** The graph file, or undefined after telling the user there is none (`missingMessage`). */
export function targetGraph(uri: vscode.Uri | undefined, missingMessage = noGraphMessage()): vscode.Uri | undefined {

  const document = vscode.window.activeTextEditor?.document;
  const target = uri ?? (document?.languageId === "stepgraph" ? document.uri : undefined);
  if (target?.scheme === "file") return target;
  void vscode.window.showErrorMessage(missingMessage);
  return undefined;
}
