// The `.graph` files a graph uses (`use graph`), as the editor has them: an open document's
// text, unsaved edits included, else the file on disk. A graph is checked again when a
// graph file it uses changes: edited, opened or closed in the editor, or changed on disk
// (workspace/didChangeWatchedFiles, for which the server asks the client to watch `.graph`
// files when the client lets servers register watchers).
import { DidChangeWatchedFilesNotification, type ClientCapabilities, type Connection, type TextDocuments } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { GraphSourceReader } from "../graph/graph-uses";
import { readGraphSource } from "../graph/source-file";
import { pathOfUri, type Analyses } from "./analysis";

const GRAPH_FILES_GLOB = "**/*.graph";

export function graphSourceReader(documents: TextDocuments<TextDocument>): GraphSourceReader {
  return (path) => {
    const open = documents.all().find((document) => pathOfUri(document.uri) === path);
    return open ? { ok: true, text: open.getText() } : readGraphSource(path);
  };
}

/** Checks again, through `recheck`, every open graph that uses a graph file when that file changes. */
export function followGraphFiles(connection: Connection, documents: TextDocuments<TextDocument>, analyses: Analyses, recheck: (uri: string) => void): void {
  const changed = (uri: string) => {
    for (const user of analyses.forgetUsersOf(pathOfUri(uri))) recheck(user);
  };
  documents.onDidChangeContent(({ document }) => changed(document.uri));
  documents.onDidClose(({ document }) => changed(document.uri));
  connection.onDidChangeWatchedFiles(({ changes }) => {
    for (const change of changes) if (change.uri.endsWith(".graph")) changed(change.uri);
  });
}

/** Asks the client to watch `.graph` files, when it lets a server register watchers; call once initialized. */
export function registerGraphFileWatcher(connection: Connection, capabilities: ClientCapabilities, log: (message: string) => void): void {
  if (capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration !== true) return;
  connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: GRAPH_FILES_GLOB }] }).catch((error: unknown) => {
    log(`stepgraph: the client did not watch .graph files (${error instanceof Error ? error.message : String(error)}); a graph is checked again when a graph it uses is edited in the editor`);
  });
}
