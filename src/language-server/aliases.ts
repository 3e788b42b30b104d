// The aliases of `use "..." as ALIAS` and `use graph "..." as ALIAS`: which one a target
// names (on its `use` line or in a call), where it is written, and which graph it calls.
import type { InputStatement, Name, UseGraphStatement, UseStatement } from "../graph/ast";
import type { GraphUseInfo } from "../graph/graph-uses";
import type { Analysis } from "./analysis";
import type { Target } from "./positions";

export interface AliasInfo {
  statement: UseStatement | UseGraphStatement;
  /** The alias on its `use` line. */
  declaration: Name;
  /** The alias as written in calls (`ALIAS(...)` of a graph, `ALIAS.fn(...)`), in document order. */
  calls: Name[];
}

/** The alias a target stands for: the alias on a `use` line, or the one a call is made through. */
export function aliasOf(analysis: Analysis, target: Target | undefined): AliasInfo | undefined {
  const statement = aliasStatement(analysis, target);
  if (statement?.alias === undefined) return undefined;
  const alias = statement.alias.text;
  const calls = analysis.statements.flatMap((s) => {
    const callee = s.kind === "node" ? s.call?.callee : undefined;
    if (callee === undefined) return [];
    if (callee.alias?.text === alias) return [callee.alias];
    return statement.kind === "useGraph" && callee.alias === undefined && callee.fn.text === alias ? [callee.fn] : [];
  });
  return { statement, declaration: statement.alias, calls };
}

function aliasStatement(analysis: Analysis, target: Target | undefined): UseStatement | UseGraphStatement | undefined {
  if (target?.kind === "alias") return target.statement;
  if (target?.kind !== "callee") return undefined;
  if (target.part === "fn") return analysis.check.subgraphCalls.get(target.node)?.statement;
  const alias = target.node.call?.callee.alias?.text;
  // The first line declaring it, as calls go to the first of a repeated alias.
  return analysis.statements.find((s): s is UseStatement | UseGraphStatement => (s.kind === "use" || s.kind === "useGraph") && s.alias?.text === alias);
}

/** The checked `use graph` a target is about: its line, a call of its alias, or a named argument of such a call. */
export function graphUseOf(analysis: Analysis, target: Target | undefined): GraphUseInfo | undefined {
  let statement: UseGraphStatement | undefined;
  if (target?.kind === "graph-use") statement = target.statement;
  else if (target?.kind === "argument-label") return analysis.check.subgraphCalls.get(target.node);
  else if (target?.kind === "alias" && target.statement.kind === "useGraph") statement = target.statement;
  else if (target?.kind === "callee" && target.part === "fn") return analysis.check.subgraphCalls.get(target.node);
  return statement && analysis.check.graphUses.find((use) => use.statement === statement);
}

/** The subgraph's `input` statement that a named argument gives. */
export function inputOfLabel(use: GraphUseInfo, label: string): InputStatement | undefined {
  return use.check?.file.statements.find((s): s is InputStatement => s.kind === "input" && s.name.text === label);
}
