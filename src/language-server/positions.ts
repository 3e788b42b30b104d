// What is under the cursor: a name, a reference, a call, a `use` path or an option,
// found on the analysis's syntax tree (never by re-reading the text).
import type { Range } from "vscode-languageserver";
import type { Name, NodeStatement, OptionEntry, Statement, UseGraphStatement, UseStatement } from "../graph/ast";
import type { Reference, SymbolInfo } from "../graph/checker";
import { statementReferences } from "../graph/condition";
import type { OptionOwner } from "../graph/options";
import type { TextRange } from "../graph/text-range";
import type { Analysis } from "./analysis";

export type Target =
  | { kind: "declaration"; symbol: SymbolInfo; name: Name }
  | { kind: "reference"; reference: Reference; name: Name }
  /** A name that resolves to nothing (an unknown reference, a duplicate declaration). */
  | { kind: "unresolved"; name: Name }
  | { kind: "callee"; node: NodeStatement; part: "fn" | "alias" }
  | { kind: "use-path"; statement: UseStatement }
  /** The alias a `use` or `use graph` line declares. */
  | { kind: "alias"; statement: UseStatement | UseGraphStatement; name: Name }
  /** The rest of a `use graph` line: its keywords or its path. */
  | { kind: "graph-use"; statement: UseGraphStatement; range: TextRange }
  /** The name before `:` of a named argument (a subgraph's input). */
  | { kind: "argument-label"; node: NodeStatement; name: Name }
  | { kind: "option"; entry: OptionEntry; owner: OptionOwner };

export function toRange(range: TextRange): Range {
  return { start: range.start, end: range.end };
}

/** True when `offset` is inside `range` or right at its end (the cursor just after a word). */
export function touches(range: TextRange, offset: number): boolean {
  return range.startOffset <= offset && offset <= range.endOffset;
}

/** The statement whose range holds `offset` (statements are in document order). */
export function statementAt(analysis: Analysis, offset: number): Statement | undefined {
  const statements = analysis.statements;
  let low = 0;
  let high = statements.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const range = statements[mid].range;
    if (offset < range.startOffset) high = mid - 1;
    else if (offset > range.endOffset) low = mid + 1;
    else return statements[mid];
  }
  return undefined;
}

export function targetAt(analysis: Analysis, offset: number): Target | undefined {
  const statement = statementAt(analysis, offset);
  if (statement === undefined) return undefined;
  for (const name of namesOf(statement)) {
    if (touches(name.range, offset)) return nameTarget(analysis, name);
  }
  if ((statement.kind === "use" || statement.kind === "useGraph") && statement.alias && touches(statement.alias.range, offset)) {
    return { kind: "alias", statement, name: statement.alias };
  }
  if (statement.kind === "use" && touches(statement.pathRange, offset)) return { kind: "use-path", statement };
  if (statement.kind === "useGraph") {
    return { kind: "graph-use", statement, range: touches(statement.pathRange, offset) ? statement.pathRange : statement.keywordRange.to(statement.graphKeywordRange) };
  }
  if (statement.kind === "node" && statement.call) {
    const { callee, args } = statement.call;
    const label = args.find((arg) => arg.label && touches(arg.label.range, offset))?.label;
    if (label) return { kind: "argument-label", node: statement, name: label };
    if (touches(callee.fn.range, offset)) return { kind: "callee", node: statement, part: "fn" };
    if (callee.alias && touches(callee.alias.range, offset)) return { kind: "callee", node: statement, part: "alias" };
  }
  if (statement.kind === "graph" || statement.kind === "node" || statement.kind === "loop") {
    const entry = statement.options.find((e) => touches(e.key.range, offset));
    if (entry) return { kind: "option", entry, owner: statement.kind };
  }
  return undefined;
}

/** The declared and referenced names written in a statement. */
function namesOf(statement: Statement): Name[] {
  switch (statement.kind) {
    case "input":
      return [statement.name];
    case "node":
      return [statement.name, ...statementReferences(statement).map((ref) => ref.root)];
    case "output":
      return statement.names;
    case "loop":
      return [statement.name, ...statement.members];
    default:
      return [];
  }
}

function nameTarget(analysis: Analysis, name: Name): Target {
  const symbol = analysis.declaredBy(name);
  if (symbol) return { kind: "declaration", symbol, name };
  const reference = analysis.referenceAt(name);
  if (reference) return { kind: "reference", reference, name };
  return { kind: "unresolved", name };
}

/** The symbol a declaration or reference target stands for. */
export function symbolOf(target: Target | undefined): SymbolInfo | undefined {
  if (target?.kind === "declaration") return target.symbol;
  if (target?.kind === "reference") return target.reference.symbol;
  return undefined;
}
