// The thread that checks large documents for the language server: the server's own bundle
// (dist/language-server.js) started as a worker thread, so that the parser, the checker and
// the TypeScript compiler are not bundled once more. While it parses and checks megabytes,
// the server's thread goes on answering requests.
import { parentPort } from "node:worker_threads";
import type { Diagnostic } from "vscode-languageserver";
import { checkText } from "../graph/checker";
import { createModuleReader } from "../graph/module-reader";
import { toLspDiagnostic } from "./lsp-diagnostic";

export interface CheckRequest {
  id: number;
  path: string;
  text: string;
}

export type CheckReply = { id: number; diagnostics: Diagnostic[] } | { id: number; error: string };

/** Answers CheckRequests from the thread that started this one. */
export function serveChecks(): void {
  const modules = createModuleReader();
  parentPort?.on("message", ({ id, path, text }: CheckRequest) => {
    let reply: CheckReply;
    try {
      reply = { id, diagnostics: checkText(text, { path, modules }).diagnostics.map(toLspDiagnostic) };
    } catch (error) {
      reply = { id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
    }
    parentPort?.postMessage(reply);
  });
}
