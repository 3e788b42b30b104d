// A checker diagnostic as an LSP diagnostic.
import { DiagnosticSeverity, type Diagnostic } from "vscode-languageserver";
import type { Diagnostic as GraphDiagnostic } from "../graph/diagnostics";
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
