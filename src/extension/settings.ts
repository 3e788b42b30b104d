// The `stepgraph.*` settings, read for a resource's folder (redis.url may differ per machine
// and per folder).
import * as vscode from "vscode";
import type { LaunchSettings } from "./debug-configuration";

export type TraceLevel = "off" | "messages" | "verbose";

/** `stepgraph.graphView.open`: whether a debug session opens its graph's view. */
export type GraphViewOpen = "onDebug" | "never";

export function launchSettings(scope?: vscode.ConfigurationScope): LaunchSettings {
  const configuration = vscode.workspace.getConfiguration("stepgraph", scope);
  return {
    redisUrl: configuration.get<string>("redis.url", ""),
    defaultTtl: configuration.get<string>("cache.defaultTtl", ""),
  };
}

/** `stepgraph.deploy.confirm`: whether Deploy Graph asks before deploying. */
export function deployConfirm(scope?: vscode.ConfigurationScope): boolean {
  return vscode.workspace.getConfiguration("stepgraph", scope).get<boolean>("deploy.confirm", true);
}

export function graphViewOpen(scope?: vscode.ConfigurationScope): GraphViewOpen {
  return vscode.workspace.getConfiguration("stepgraph", scope).get<GraphViewOpen>("graphView.open", "onDebug") === "never" ? "never" : "onDebug";
}

export function serverTraceLevel(): TraceLevel {
  return vscode.workspace.getConfiguration("stepgraph").get<TraceLevel>("trace.server", "off");
}

/** `stepgraph.codeLens`: whether the language server shows CodeLens (Run | Debug | Deploy, cached outputs). */
export function codeLensEnabled(): boolean {
  return vscode.workspace.getConfiguration("stepgraph").get<boolean>("codeLens", true);
}

/** Whether a configuration change touched a setting that the language server is started with. */
export function affectsLanguageServer(event: vscode.ConfigurationChangeEvent): boolean {
  return ["stepgraph.redis.url", "stepgraph.trace.server", "stepgraph.codeLens"].some((setting) => event.affectsConfiguration(setting));
}
