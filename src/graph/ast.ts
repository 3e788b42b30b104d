// The syntax tree of a `.graph` file. Every piece carries its range so that the checker,
// the language server and the debugger can point at it. Kinds are string tags so that
// constructs still to come (`map`, `when`, `use graph`) extend the unions, not rewrite them.
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
  range: TextRange;
}

/** A JSON literal argument: string, number, boolean, null, array or object. */
export interface LiteralExpr {
  kind: "literal";
  value: JsonValue;
  range: TextRange;
}

export type Expr = RefExpr | LiteralExpr;

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
}

export interface UseStatement extends StatementBase {
  kind: "use";
  /** The module path as written, without quotes. */
  path: string;
  pathRange: TextRange;
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
  call?: { callee: Callee; args: Expr[]; range: TextRange };
  options: OptionEntry[];
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
}

export type Statement =
  | GraphStatement
  | UseStatement
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
