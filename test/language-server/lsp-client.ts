// Drives the built language server (dist/language-server.js) over stdio with a real
// JSON-RPC client, as an editor does.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  createProtocolConnection,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  RegistrationRequest,
  type ClientCapabilities,
  type Diagnostic,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type Registration,
  type ServerCapabilities,
} from "vscode-languageserver-protocol/node";
import { repoRoot } from "../helpers";

export interface LspClient {
  connection: ProtocolConnection;
  /** Opens `path` (its text from disk unless given); resolves to its uri. */
  open(path: string, text?: string): Promise<string>;
  /** Replaces the whole text of an open document with a new version. */
  change(uri: string, text: string): void;
  /** The next diagnostics published for `uri` at `version` or later. */
  diagnostics(uri: string, version?: number): Promise<Diagnostic[]>;
  /** The diagnostics published for `uri` after this call (a re-check of an unchanged version). */
  nextDiagnostics(uri: string): Promise<Diagnostic[]>;
  /** The capabilities the server registered with client/registerCapability. */
  registrations: Registration[];
  /** What the server answered to initialize. */
  capabilities: ServerCapabilities;
  stop(): Promise<void>;
}

export async function startLspClient(
  options: { initializationOptions?: unknown; env?: NodeJS.ProcessEnv; viaCli?: boolean; capabilities?: ClientCapabilities } = {},
): Promise<LspClient> {
  const entry = options.viaCli ? [join(repoRoot, "dist", "cli.js"), "lsp"] : [join(repoRoot, "dist", "language-server.js")];
  const child: ChildProcess = spawn(process.execPath, [...entry, "--stdio"], {
    stdio: ["pipe", "pipe", "inherit"],
    env: options.env ?? { ...process.env, STEPGRAPH_REDIS_URL: "" },
  });
  if (!child.stdout || !child.stdin) throw new Error("no stdio on the language server process");
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const published: PublishDiagnosticsParams[] = [];
  const waiters: (() => void)[] = [];
  connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
    published.push(params);
    waiters.splice(0).forEach((wake) => wake());
  });
  const registrations: Registration[] = [];
  connection.onRequest(RegistrationRequest.type, (params) => {
    registrations.push(...params.registrations);
  });
  connection.listen();
  const { capabilities } = await connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: pathToFileURL(repoRoot).href,
    capabilities: options.capabilities ?? {},
    initializationOptions: options.initializationOptions ?? null,
  });
  await connection.sendNotification(InitializedNotification.type, {});
  const versions = new Map<string, number>();

  const waitFor = (uri: string, accept: (p: PublishDiagnosticsParams, index: number) => boolean, what: string) =>
    new Promise<Diagnostic[]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri} ${what} within 20 s`)), 20_000);
      const look = () => {
        const found = published.find((p, index) => p.uri === uri && accept(p, index));
        if (found) {
          clearTimeout(timer);
          resolve(found.diagnostics);
        } else {
          waiters.push(look);
        }
      };
      look();
    });

  return {
    connection,
    registrations,
    capabilities,
    async open(path, text) {
      const uri = pathToFileURL(path).href;
      versions.set(uri, 1);
      await connection.sendNotification("textDocument/didOpen", {
        textDocument: { uri, languageId: "stepgraph", version: 1, text: text ?? readFileSync(path, "utf8") },
      });
      return uri;
    },
    change(uri, text) {
      const version = (versions.get(uri) ?? 1) + 1;
      versions.set(uri, version);
      void connection.sendNotification("textDocument/didChange", { textDocument: { uri, version }, contentChanges: [{ text }] });
    },
    diagnostics(uri, version = versions.get(uri) ?? 1) {
      return waitFor(uri, (p) => (p.version ?? 0) >= version, `v${version}`);
    },
    nextDiagnostics(uri) {
      const seen = published.length;
      return waitFor(uri, (_, index) => index >= seen, "after the last ones");
    },
    async stop() {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      await connection.sendRequest(ShutdownRequest.type);
      await connection.sendNotification(ExitNotification.type);
      await exited;
      connection.dispose();
    },
  };
}
