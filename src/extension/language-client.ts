// The language client: starts dist/language-server.js (LSP over stdio, `--stdio`) for
// stepgraph files. It runs in untrusted workspaces too: the server reads, never runs, code.
import * as vscode from "vscode";
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from "vscode-languageclient/node";

export interface LanguageClientSetup {
  serverPath: string;
  /** `stepgraph.redis.url`, for the server's cached-value previews; undefined when unset. */
  redisUrl: string | undefined;
  /** `stepgraph.codeLens`. */
  codeLens: boolean;
  outputChannel: vscode.OutputChannel;
  /** Where LSP traces go; only given while stepgraph.trace.server is on. */
  traceOutputChannel?: vscode.OutputChannel;
}

export function createLanguageClient(setup: LanguageClientSetup): LanguageClient {
  // TransportKind.stdio with a module adds `--stdio`, and forks with the extension host's node.
  const serverOptions: ServerOptions = { module: setup.serverPath, transport: TransportKind.stdio };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: "stepgraph" }],
    initializationOptions: { redisUrl: setup.redisUrl, codeLens: setup.codeLens },
    outputChannel: setup.outputChannel,
    traceOutputChannel: setup.traceOutputChannel,
  };
  // The id "stepgraph" makes the client follow the stepgraph.trace.server setting.
  return new LanguageClient("stepgraph", vscode.l10n.t("Stepgraph Language Server"), serverOptions, clientOptions);
}
