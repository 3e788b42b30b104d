// The checker's diagnostics as LSP diagnostics, published after each edit. Edits that
// arrive together are checked once: the check runs on the next turn of the event loop,
// on whatever version the document has by then. A large document is checked on a thread
// of its own, so that the server keeps answering meanwhile; one check of it at a time, the
// newest version next, and a result for a version since edited is dropped.
import type { Connection, Diagnostic } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { pathOfUri, type Analyses, type Analysis } from "./analysis";
import { BACKGROUND_CHECK_CHARS, BackgroundChecker } from "./background-checker";
import { toLspDiagnostic } from "./lsp-diagnostic";

export function lspDiagnostics(analysis: Analysis): Diagnostic[] {
  return analysis.check.diagnostics.map(toLspDiagnostic);
}

export class DiagnosticsPublisher {
  private readonly pending = new Map<string, NodeJS.Immediate>();
  private readonly background = new BackgroundChecker();
  /** Documents being checked on the background thread, and those edited since. */
  private readonly checking = new Set<string>();
  private readonly edited = new Set<string>();

  constructor(
    private readonly connection: Connection,
    private readonly analyses: Analyses,
    private readonly documentOf: (uri: string) => TextDocument | undefined,
    private readonly log: (message: string) => void,
  ) {}

  /** Checks and publishes on the next turn, coalescing edits that arrive meanwhile. */
  schedule(uri: string): void {
    if (this.pending.has(uri)) return;
    this.pending.set(
      uri,
      setImmediate(() => {
        this.pending.delete(uri);
        const document = this.documentOf(uri);
        if (document === undefined) return;
        try {
          this.publish(document);
        } catch (error) {
          // A bug in a check must not take the server down with it; the next edit tries again.
          this.log(`stepgraph: checking ${uri} failed: ${describe(error)}`);
        }
      }),
    );
  }

  publish(document: TextDocument): void {
    const text = document.getText();
    if (text.length >= BACKGROUND_CHECK_CHARS) return this.publishFromBackground(document, text);
    const analysis = this.analyses.get(document);
    void this.connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics: lspDiagnostics(analysis) });
  }

  /** A closed document's diagnostics are cleared. */
  clear(uri: string): void {
    const pending = this.pending.get(uri);
    if (pending) clearImmediate(pending);
    this.pending.delete(uri);
    this.edited.delete(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  close(): void {
    void this.background.close();
  }

  private publishFromBackground(document: TextDocument, text: string): void {
    const { uri, version } = document;
    if (this.checking.has(uri)) {
      this.edited.add(uri);
      return;
    }
    this.checking.add(uri);
    this.background
      .check(pathOfUri(uri), text)
      .then(
        (diagnostics) => {
          if (this.documentOf(uri)?.version === version) void this.connection.sendDiagnostics({ uri, version, diagnostics });
        },
        (error: unknown) => this.log(`stepgraph: checking ${uri} failed: ${describe(error)}`),
      )
      .finally(() => {
        this.checking.delete(uri);
        if (this.edited.delete(uri)) this.schedule(uri);
      });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
