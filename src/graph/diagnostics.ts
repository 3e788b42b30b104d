import type { TextRange } from "./text-range";

export type Severity = "error" | "warning";

/**
 * Stable diagnostic codes. A code never changes meaning once released; tools and tests
 * key on them. docs/diagnostics.md lists each with an example.
 */
export const Code = {
  Syntax: "SG001",
  NestingTooDeep: "SG004",
  TooManyProblems: "SG005",
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

/**
 * No one reads more than this many problems in one file, and a tool handed megabytes of
 * junk must not print millions: beyond it they are counted, and one more diagnostic says
 * how many were left out.
 */
export const MAX_DIAGNOSTICS_PER_FILE = 500;

/** The diagnostics a capped list left out: how many, whether any is an error, where the first is. */
export interface OmittedDiagnostics {
  count: number;
  errors: number;
  first: TextRange;
}

/** Diagnostics pushed in document order; those beyond the cap are only counted. */
export class DiagnosticList {
  readonly items: Diagnostic[] = [];
  omitted: OmittedDiagnostics | undefined;

  push(diagnostic: Diagnostic): void {
    if (this.items.length < MAX_DIAGNOSTICS_PER_FILE) this.items.push(diagnostic);
    else this.omitted = omit(this.omitted, diagnostic.severity, diagnostic.range);
  }

  /** An error whose message is only built when it is kept: junk can have millions. */
  pushError(code: DiagnosticCode, range: TextRange, message: () => string): void {
    if (this.items.length < MAX_DIAGNOSTICS_PER_FILE) this.items.push(error(code, message(), range));
    else this.omitted = omit(this.omitted, "error", range);
  }
}

/**
 * The first MAX_DIAGNOSTICS_PER_FILE of `sorted` (in document order), counting the rest
 * together with what was left out `earlier` by lists that each kept their own first ones.
 */
export function limitDiagnostics(sorted: Diagnostic[], ...earlier: (OmittedDiagnostics | undefined)[]): { shown: Diagnostic[]; omitted?: OmittedDiagnostics } {
  let omitted = earlier.reduce<OmittedDiagnostics | undefined>((sum, part) => (part === undefined ? sum : merge(sum, part)), undefined);
  for (let i = MAX_DIAGNOSTICS_PER_FILE; i < sorted.length; i++) omitted = omit(omitted, sorted[i].severity, sorted[i].range);
  const shown = sorted.length > MAX_DIAGNOSTICS_PER_FILE ? sorted.slice(0, MAX_DIAGNOSTICS_PER_FILE) : sorted;
  return omitted === undefined ? { shown } : { shown, omitted };
}

/** The last diagnostic of a capped file: how many more problems there are, at the first of them. */
export function omittedSummary(omitted: OmittedDiagnostics): Diagnostic {
  const message = `${omitted.count} more problem${omitted.count === 1 ? "" : "s"} not shown (at most ${MAX_DIAGNOSTICS_PER_FILE} are reported per file)`;
  return { severity: omitted.errors > 0 ? "error" : "warning", code: Code.TooManyProblems, message, range: omitted.first };
}

function omit(omitted: OmittedDiagnostics | undefined, severity: Severity, range: TextRange): OmittedDiagnostics {
  if (omitted === undefined) return { count: 1, errors: severity === "error" ? 1 : 0, first: range };
  omitted.count++;
  if (severity === "error") omitted.errors++;
  if (range.startOffset < omitted.first.startOffset) omitted.first = range;
  return omitted;
}

function merge(a: OmittedDiagnostics | undefined, b: OmittedDiagnostics): OmittedDiagnostics {
  if (a === undefined) return { ...b };
  return { count: a.count + b.count, errors: a.errors + b.errors, first: b.first.startOffset < a.first.startOffset ? b.first : a.first };
}
