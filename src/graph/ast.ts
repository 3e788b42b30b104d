// The syntax tree of a `.graph` file. Every piece carries its range so that the checker,
// the language server and the debugger can point at it. Kinds are string tags, so that
// version 2's constructs (`map`, `when`, `REF?`, `use graph`) extend the unions.
import type { TextRange } from "./text-range";

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** An identifier as written, with where it was written. */
export interface Name {
  text: string;
  range: TextRange;
}

/** A reference to an input or node, optionally into its value: `order.items.0`. */
export interface RefExpr {
  kind: "ref";
  root: Name;
  /** Property path segments after the root; numbers index arrays. */
  path: (string | number)[];
  /** The `?` of `REF?`: a skipped node passes `undefined` instead of skipping this one. */
  optional?: TextRange;
  /** Covers the `?` when there is one. */
  range: TextRange;
}

/** A JSON literal argument: string, number, boolean, null, array or object. */
export interface LiteralExpr {
  kind: "literal";
  value: JsonValue;
  range: TextRange;
}

export type Expr = RefExpr | LiteralExpr;

/**
 * An argument of a call: an expression, possibly written `map EXPR` (one call per element)
 * and, in a subgraph call, `NAME: EXPR`. Its `range` is the expression's own.
 */
export type Argument = Expr & {
  /** The `map` keyword's range. */
  map?: TextRange;
  /** The name before `:` of a named argument. */
  label?: Name;
};

export type ComparisonOperator = "==" | "!=" | "<" | "<=" | ">" | ">=";

/**
 * A `when` condition, evaluated by Stepgraph (condition.ts), never as JavaScript.
 * Parentheses leave no node of their own.
 */
export type ConditionExpr =
  | RefExpr
  | LiteralExpr
  | { kind: "compare"; operator: ComparisonOperator; operatorRange: TextRange; left: ConditionExpr; right: ConditionExpr; range: TextRange }
  | { kind: "not"; keywordRange: TextRange; operand: ConditionExpr; range: TextRange }
  | { kind: "and" | "or"; keywordRange: TextRange; left: ConditionExpr; right: ConditionExpr; range: TextRange };

/** `when CONDITION`. */
export interface WhenClause {
  keywordRange: TextRange;
  condition: ConditionExpr;
  range: TextRange;
}

/** `fn` or `alias.fn`. */
export interface Callee {
  alias?: Name;
  fn: Name;
  range: TextRange;
}

export type OptionValue =
  | { kind: "duration"; ms: number; text: string }
  | { kind: "number"; value: number; text: string }
  | { kind: "word"; text: string }
  | { kind: "string"; value: string; text: string }
  | { kind: "invalid"; text: string };

export interface OptionEntry {
  key: Name;
  value: OptionValue;
  valueRange: TextRange;
  range: TextRange;
}

interface StatementBase {
  range: TextRange;
  /** The keyword's range, which a gutter breakpoint or an outline entry points at. */
  keywordRange: TextRange;
}

export interface GraphStatement extends StatementBase {
  kind: "graph";
  name: Name;
  /** `graph NAME [partitions: N]`: empty when none are written. */
  options: OptionEntry[];
  /** The `[ ... ]` of the options, brackets included, when written. */
  optionsRange?: TextRange;
}

export interface UseStatement extends StatementBase {
  kind: "use";
  /** The module path as written, without quotes. */
  path: string;
  pathRange: TextRange;
  alias?: Name;
}

/** `use graph "PATH" as ALIAS`: another graph file, callable as `ALIAS(name: ARG, ...)`. */
export interface UseGraphStatement extends StatementBase {
  kind: "useGraph";
  /** The graph file's path as written, without quotes. */
  path: string;
  pathRange: TextRange;
  graphKeywordRange: TextRange;
  /** Required; a missing alias is reported by the checker. */
  alias?: Name;
}

export interface InputStatement extends StatementBase {
  kind: "input";
  name: Name;
  default?: LiteralExpr;
}

export interface NodeStatement extends StatementBase {
  kind: "node";
  name: Name;
  /** Missing when the call could not be parsed; the node is still declared. */
  call?: { callee: Callee; args: Argument[]; range: TextRange };
  when?: WhenClause;
  options: OptionEntry[];
  /** The `[ ... ]` of the options, brackets included, when written (edits of the options start from it). */
  optionsRange?: TextRange;
}

export interface OutputStatement extends StatementBase {
  kind: "output";
  names: Name[];
}

export interface LoopStatement extends StatementBase {
  kind: "loop";
  name: Name;
  members: Name[];
  /** Range of the `{ ... }` block, for folding. */
  bodyRange?: TextRange;
  options: OptionEntry[];
  /** The `[ ... ]` of the options, brackets included, when written. */
  optionsRange?: TextRange;
}

export type Statement =
  | GraphStatement
  | UseStatement
  | UseGraphStatement
  | InputStatement
  | NodeStatement
  | OutputStatement
  | LoopStatement;

export interface Comment {
  text: string;
  range: TextRange;
}

/** A parsed file: its statements in order, its comments, and the syntax errors found. */
export interface GraphFile {
  text: string;
  statements: Statement[];
  comments: Comment[];
}
