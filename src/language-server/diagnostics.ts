// The checker's diagnostics as LSP diagnostics, published after each edit. Edits that
// arrive together are checked once: the check runs on the next turn of the event loop,
// on whatever version the document has by then.
import { DiagnosticSeverity, type Connection, type Diagnostic } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { Diagnostic as GraphDiagnostic } from "../graph/diagnostics";
import type { Analyses, Analysis } from "./analysis";
import { toRange } from "./positions";

export const DIAGNOSTIC_SOURCE = "stepgraph";

export function toLspDiagnostic(diagnostic: GraphDiagnostic): Diagnostic {
  return {
    range: toRange(diagnostic.range),
    severity: diagnostic.severity === "error" ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    code: diagnostic.code,
    source: DIAGNOSTIC_SOURCE,
    message: diagnostic.message,
  };
}

export function lspDiagnostics(analysis: Analysis): Diagnostic[] {
  return analysis.check.diagnostics.map(toLspDiagnostic);
}

export class DiagnosticsPublisher {
  private readonly pending = new Map<string, NodeJS.Immediate>();

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
          this.log(`stepgraph: checking ${uri} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        }
      }),
    );
  }

  publish(document: TextDocument): void {
    const analysis = this.analyses.get(document);
    void this.connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics: lspDiagnostics(analysis) });
  }

  /** A closed document's diagnostics are cleared. */
  clear(uri: string): void {
    const pending = this.pending.get(uri);
    if (pending) clearImmediate(pending);
    this.pending.delete(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }
}
