// The one "Stepgraph" output channel every part of the extension logs to.
import * as vscode from "vscode";

export function createOutputChannel(): vscode.LogOutputChannel {
  return vscode.window.createOutputChannel("Stepgraph", { log: true });
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
