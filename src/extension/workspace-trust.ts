// Workspace Trust for the commands that run the workspace's code (a graph's nodes, directly
// or in workers): refused with one message in an untrusted workspace.
import * as vscode from "vscode";
import { untrustedMessage } from "./debug-configuration";

/** True, after showing the message, when the workspace is not trusted. */
export function refusedAsUntrusted(): boolean {
  if (vscode.workspace.isTrusted) return false;
  void vscode.window.showErrorMessage(untrustedMessage());
  return true;
}
