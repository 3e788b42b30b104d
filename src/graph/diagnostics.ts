import type { TextRange } from "./text-range";

export type Severity = "error" | "warning";

/**
 * Stable diagnostic codes. A code never changes meaning once released; tools and tests
 * key on them. docs/diagnostics.md lists each with an example.
 */
export const Code = {
  Syntax: "SG001",
  MissingGraph: "SG002",
  MisplacedGraph: "SG003",
  DuplicateName: "SG010",
  UnknownReference: "SG011",
  ModuleNotFound: "SG012",
  UnknownAlias: "SG013",
  UnknownExport: "SG014",
  AmbiguousFunction: "SG015",
  DuplicateAlias: "SG016",
  NotAFunction: "SG017",
  UnsupportedModule: "SG018",
  NodeCycle: "SG020",
  NodeInTwoLoops: "SG021",
  LoopMemberNotNode: "SG022",
  LoopCycle: "SG023",
  OutputNotNode: "SG024",
  UnknownOption: "SG030",
  BadOptionValue: "SG031",
  DuplicateOption: "SG032",
  UnusedNode: "SG040",
  TooManyArguments: "SG041",
  OptionalNeverSkipped: "SG042",
  TwoMapArguments: "SG050",
  MapNeedsReference: "SG051",
  NamedArgumentToFunction: "SG052",
  PositionalArgumentToSubgraph: "SG053",
  UnknownSubgraphArgument: "SG054",
  MissingSubgraphArgument: "SG055",
  DuplicateSubgraphArgument: "SG056",
  UseGraphWithoutAlias: "SG057",
  SubgraphUnreadable: "SG058",
  SubgraphHasErrors: "SG059",
  GraphUseCycle: "SG060",
  SubgraphCalledWithDot: "SG061",
  UnknownSubgraphOutput: "SG062",
} as const;

export type DiagnosticCode = (typeof Code)[keyof typeof Code];

export interface Diagnostic {
  severity: Severity;
  code: DiagnosticCode;
  message: string;
  range: TextRange;
}

export function error(code: DiagnosticCode, message: string, range: TextRange): Diagnostic {
  return { severity: "error", code, message, range };
}

export function warning(code: DiagnosticCode, message: string, range: TextRange): Diagnostic {
  return { severity: "warning", code, message, range };
}

/** The one-line form every front end prints: `file:line:col: severity CODE message`, 1-based. */
export function formatDiagnostic(file: string, d: Diagnostic): string {
  return `${file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity} ${d.code} ${d.message}`;
}
