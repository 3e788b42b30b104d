// Recursive-descent parser for `.graph` files. It recovers at statement boundaries: a bad
// statement reports one error and parsing resumes on the next line, so every error in a
// file is reported. A statement whose name was read is kept even when the rest is broken,
// so that references to it do not cascade into further errors.
import type {
  Argument,
  Callee,
  ComparisonOperator,
  ConditionExpr,
  Expr,
  GraphFile,
  GraphStatement,
  JsonValue,
  LiteralExpr,
  LoopStatement,
  Name,
  NodeStatement,
  OptionEntry,
  OptionValue,
  RefExpr,
  Statement,
  WhenClause,
} from "./ast";
import { Code, DiagnosticList, error, limitDiagnostics, type Diagnostic, type DiagnosticCode, type OmittedDiagnostics } from "./diagnostics";
import { printable, tokenize, type Token } from "./lexer";
import { TokenCursor } from "./token-cursor";
import type { LineMap, TextRange } from "./text-range";

export interface ParseResult {
  file: GraphFile;
  lines: LineMap;
  /** Syntax errors in document order, at most MAX_DIAGNOSTICS_PER_FILE of them. */
  diagnostics: Diagnostic[];
  /** The syntax errors beyond the cap. */
  omitted?: OmittedDiagnostics;
}

/**
 * How deep literals (and expressions) may nest. Far beyond any hand-written graph, and far
 * below what would overflow the stack of this recursive parser or of what walks its tree.
 */
export const MAX_NESTING_DEPTH = 100;

/** Thrown inside a statement to abandon it; the error is already recorded. */
class StatementAbandoned extends Error {}
// One instance for every abandoned statement: building an Error's stack trace for each of
// the hundreds of thousands of broken lines of a junk file is most of the time spent on it.
const ABANDONED = new StatementAbandoned();

export function parse(text: string): ParseResult {
  return parseSource(text, "file");
}

export interface ConditionParseResult {
  /** Undefined when the text has a syntax error. */
  condition?: ConditionExpr;
  lines: LineMap;
  diagnostics: Diagnostic[];
}

/**
 * A condition on its own, as `when` takes it (e.g. `stepgraph capture --where`): the same
 * grammar and limits, by the same parser; nothing may follow it.
 */
export function parseCondition(text: string): ConditionParseResult {
  const { condition, lines, diagnostics } = parseSource(text, "condition");
  return { ...(condition === undefined ? {} : { condition }), lines, diagnostics };
}

function parseSource(text: string, entry: "file" | "condition"): ParseResult & { condition?: ConditionExpr } {
  const lexed = tokenize(text);
  const { lines, comments } = lexed;
  const tokens = new TokenCursor(lexed);
  const diagnostics = new DiagnosticList();
  const statements: Statement[] = [];
  let nesting = 0;

  const peek = (ahead = 0): Token => tokens.peek(ahead);
  const next = (): Token => tokens.next();
  const isPunct = (token: Token, text: string): boolean => token.kind === "punct" && token.text === text;
  const isWord = (token: Token, text: string): boolean => token.kind === "keyword" && token.text === text;
  const atEndOfStatement = (): boolean => peek().kind === "newline" || peek().kind === "eof";
  const previousEnd = (): TextRange => (tokens.previous ?? peek()).range;

  const fail = (message: string, range: TextRange = peek().range, code: DiagnosticCode = Code.Syntax): never => {
    diagnostics.push(error(code, message, range));
    throw ABANDONED;
  };
  /** Parses one level of nesting opened by `opener`; too deep abandons the statement. */
  const nested = <T>(opener: Token, what: string, parseInside: () => T): T => {
    if (nesting >= MAX_NESTING_DEPTH) fail(`${what} nested more than ${MAX_NESTING_DEPTH} deep`, opener.range, Code.NestingTooDeep);
    nesting++;
    try {
      return parseInside();
    } finally {
      nesting--;
    }
  };
  /** One more `and`/`or` of the current condition: it stays deeper until the condition ends. */
  let chained = 0;
  const deeper = <T>(operator: Token, parseRight: () => T): T => {
    if (nesting + chained >= MAX_NESTING_DEPTH) fail(`a condition nested more than ${MAX_NESTING_DEPTH} deep (count its 'and' and 'or' too)`, operator.range, Code.NestingTooDeep);
    chained++;
    return parseRight();
  };
  const expectPunct = (text: string, what: string): Token => {
    const token = peek();
    if (!isPunct(token, text)) fail(`expected ${what}, found ${describe(token)}`);
    return next();
  };

  if (entry === "condition") {
    let condition: ConditionExpr | undefined;
    try {
      if (atEndOfStatement()) fail("expected a condition, found nothing");
      condition = parseOr();
      if (peek().kind !== "eof") fail(`expected the end of the condition, found ${describe(peek())}`);
    } catch (e) {
      if (e !== ABANDONED) throw e;
      condition = undefined;
    }
    const errors = [...lexed.diagnostics.items, ...diagnostics.items].sort((a, b) => a.range.startOffset - b.range.startOffset);
    return { file: { text, statements, comments }, lines, diagnostics: errors, ...(condition === undefined || errors.length > 0 ? {} : { condition }) };
  }

  while (peek().kind !== "eof") {
    if (peek().kind === "newline") {
      next();
      continue;
    }
    const start = peek();
    try {
      parseStatement();
      if (!atEndOfStatement()) fail(`expected end of line, found ${describe(peek())}`);
    } catch (e) {
      if (e !== ABANDONED) throw e;
      // A statement kept after an error still covers what was read of it.
      const last = statements[statements.length - 1];
      if (last !== undefined && last.range.startOffset === start.range.startOffset) {
        last.range = start.range.to(previousEnd());
      }
      while (!atEndOfStatement()) next();
    }
  }

  const syntaxErrors = [...lexed.diagnostics.items, ...diagnostics.items].sort((a, b) => a.range.startOffset - b.range.startOffset);
  const { shown, omitted } = limitDiagnostics(syntaxErrors, lexed.diagnostics.omitted, diagnostics.omitted);
  return { file: { text, statements, comments }, lines, diagnostics: shown, ...(omitted ? { omitted } : {}) };

  function parseStatement(): void {
    const keyword = peek();
    if (keyword.kind !== "keyword") {
      fail(`expected a statement (graph, use, input, node, output or loop), found ${describe(keyword)}`);
    }
    switch (keyword.text) {
      case "graph": {
        next();
        const name = parseName("the graph's name");
        const statement: GraphStatement = { kind: "graph", name, options: [], keywordRange: keyword.range, range: keyword.range.to(name.range) };
        statements.push(statement);
        if (isPunct(peek(), "[")) parseOptions(statement);
        statement.range = keyword.range.to(previousEnd());
        return;
      }
      case "use":
        return parseUse(next());
      case "input":
        return parseInput(next());
      case "node":
        return parseNode(next());
      case "output":
        return parseOutput(next());
      case "loop":
        return parseLoop(next());
      default:
        fail(`expected a statement (graph, use, input, node, output or loop), found ${describe(keyword)}`);
    }
  }

  function parseUse(keyword: Token): void {
    if (isWord(peek(), "graph")) return parseUseGraph(keyword, next());
    const path = peek();
    if (path.kind !== "string") fail(`expected a module path in double quotes, found ${describe(path)}`);
    next();
    let alias: Name | undefined;
    if (peek().kind === "keyword" && peek().text === "as") {
      next();
      alias = parseName("an alias after 'as'");
    }
    statements.push({
      kind: "use",
      path: path.value as string,
      pathRange: path.range,
      ...(alias ? { alias } : {}),
      keywordRange: keyword.range,
      range: keyword.range.to(previousEnd()),
    });
  }

  function parseUseGraph(keyword: Token, graphKeyword: Token): void {
    const path = peek();
    if (path.kind !== "string") fail(`expected the graph file's path in double quotes after 'use graph', found ${describe(path)}`);
    next();
    let alias: Name | undefined;
    if (isWord(peek(), "as")) {
      next();
      alias = parseName("an alias after 'as'");
    }
    statements.push({
      kind: "useGraph",
      path: path.value as string,
      pathRange: path.range,
      graphKeywordRange: graphKeyword.range,
      ...(alias ? { alias } : {}),
      keywordRange: keyword.range,
      range: keyword.range.to(previousEnd()),
    });
  }

  function parseInput(keyword: Token): void {
    const name = parseName("the input's name");
    let defaultValue: LiteralExpr | undefined;
    if (isPunct(peek(), "=")) {
      next();
      defaultValue = parseLiteral("a JSON default value");
    }
    statements.push({
      kind: "input",
      name,
      ...(defaultValue ? { default: defaultValue } : {}),
      keywordRange: keyword.range,
      range: keyword.range.to(previousEnd()),
    });
  }

  function parseNode(keyword: Token): void {
    const name = parseName("the node's name");
    const statement: NodeStatement = { kind: "node", name, options: [], keywordRange: keyword.range, range: keyword.range.to(name.range) };
    statements.push(statement);
    expectPunct("=", "'=' and a function call");
    const callee = parseCallee();
    expectPunct("(", `'(' after ${callee.alias ? `${callee.alias.text}.` : ""}${callee.fn.text}`);
    const args = parseList(")", "an argument", parseArgument);
    statement.call = { callee, args, range: callee.range.to(previousEnd()) };
    if (isWord(peek(), "when")) statement.when = parseWhen();
    if (isPunct(peek(), "[")) parseOptions(statement);
    if (isWord(peek(), "when")) fail("the 'when' condition goes before the options: node NAME = CALL when CONDITION [OPTIONS]");
    statement.range = keyword.range.to(previousEnd());
  }

  function parseOutput(keyword: Token): void {
    const names = [parseName("an output's node name")];
    while (isPunct(peek(), ",")) {
      next();
      names.push(parseName("an output's node name"));
    }
    statements.push({ kind: "output", names, keywordRange: keyword.range, range: keyword.range.to(previousEnd()) });
  }

  function parseLoop(keyword: Token): void {
    const name = parseName("the loop's name");
    const statement: LoopStatement = { kind: "loop", name, members: [], options: [], keywordRange: keyword.range, range: keyword.range.to(name.range) };
    statements.push(statement);
    const open = expectPunct("{", "'{' and the loop's nodes");
    statement.members = parseList("}", "a node name", () => parseName("a node name"));
    statement.bodyRange = open.range.to(previousEnd());
    if (isPunct(peek(), "[")) parseOptions(statement);
    statement.range = keyword.range.to(previousEnd());
  }

  function parseCallee(): Callee {
    const first = parseName("a function name");
    if (!isPunct(peek(), ".")) return { fn: first, range: first.range };
    next();
    const fn = parseName(`a function name after '${first.text}.'`);
    return { alias: first, fn, range: first.range.to(fn.range) };
  }

  /** Items separated by commas up to `close` (a trailing comma is allowed); consumes `close`. */
  function parseList<T>(close: string, what: string, parseItem: () => T): T[] {
    const items: T[] = [];
    while (!isPunct(peek(), close)) {
      if (atEndOfStatement()) fail(`expected ${what} or '${close}', found ${describe(peek())}`);
      items.push(parseItem());
      if (isPunct(peek(), ",")) next();
      else if (!isPunct(peek(), close)) fail(`expected ',' or '${close}', found ${describe(peek())}`);
    }
    next();
    return items;
  }

  /** `[KEY: VALUE, ...]` into the statement's options and optionsRange (set at once, so that a syntax error inside leaves both unset). */
  function parseOptions(statement: GraphStatement | NodeStatement | LoopStatement): void {
    const open = next(); // [
    statement.options = parseList("]", "an option", (): OptionEntry => {
      const key = parseName("an option name");
      expectPunct(":", `':' after '${key.text}'`);
      const token = peek();
      if (atEndOfStatement() || isPunct(token, ",") || isPunct(token, "]")) fail(`expected a value for '${key.text}', found ${describe(token)}`);
      next();
      return { key, value: optionValue(token), valueRange: token.range, range: key.range.to(token.range) };
    });
    statement.optionsRange = open.range.to(previousEnd());
  }

  /** `EXPR`, `map EXPR`, `REF?`, and in subgraph calls `NAME: ...` (the checker judges which fit the callee). */
  function parseArgument(): Argument {
    const label = (peek().kind === "ident" || peek().kind === "keyword") && isPunct(peek(1), ":") ? parseName("an argument name") : undefined;
    if (label) next(); // :
    const map = isWord(peek(), "map") ? next().range : undefined;
    const expr: Argument = parseExpr();
    if (map) expr.map = map;
    if (label) expr.label = label;
    return expr;
  }

  function parseWhen(): WhenClause {
    const keyword = next();
    if (atEndOfStatement() || isPunct(peek(), "[")) fail(`expected a condition after 'when', found ${describe(peek())}`);
    try {
      const condition = parseOr();
      return { keywordRange: keyword.range, condition, range: keyword.range.to(previousEnd()) };
    } finally {
      // A condition abandoned by a syntax error leaves its count behind: the next starts at 0.
      chained = 0;
    }
  }

  // Precedence, loosest first: or, and, not, comparisons. Each `and`/`or` deepens the tree
  // that the checker and the evaluator walk, so a chain counts against the nesting limit.
  function parseOr(): ConditionExpr {
    const start = peek();
    let left = parseAnd();
    while (isWord(peek(), "or")) {
      const keyword = next();
      const right = deeper(keyword, parseAnd);
      left = { kind: "or", keywordRange: keyword.range, left, right, range: start.range.to(previousEnd()) };
    }
    return left;
  }

  function parseAnd(): ConditionExpr {
    const start = peek();
    let left = parseNot();
    while (isWord(peek(), "and")) {
      const keyword = next();
      const right = deeper(keyword, parseNot);
      left = { kind: "and", keywordRange: keyword.range, left, right, range: start.range.to(previousEnd()) };
    }
    return left;
  }

  function parseNot(): ConditionExpr {
    if (!isWord(peek(), "not")) return parseComparison();
    const keyword = next();
    const operand = nested(keyword, "a condition", parseNot);
    return { kind: "not", keywordRange: keyword.range, operand, range: keyword.range.to(previousEnd()) };
  }

  function parseComparison(): ConditionExpr {
    const start = peek();
    const left = parseOperand();
    if (!isComparison(peek())) return left;
    const operator = next();
    const right = parseOperand();
    if (isComparison(peek())) fail(`comparisons do not chain: write 'a < b and b < c', found a second '${peek().text}'`);
    return { kind: "compare", operator: operator.text as ComparisonOperator, operatorRange: operator.range, left, right, range: start.range.to(previousEnd()) };
  }

  function parseOperand(): ConditionExpr {
    const token = peek();
    if (isPunct(token, "(")) {
      next();
      return nested(token, "a condition", () => {
        const inner = parseOr();
        expectPunct(")", "')' to close the condition's '('");
        return inner;
      });
    }
    if (token.kind === "ident") return parseRef();
    return parseLiteral("a name, a JSON value or '(' in the condition");
  }

  function parseExpr(): Expr {
    const token = peek();
    if (token.kind === "ident") return parseRef();
    return parseLiteral("an argument (a name or a JSON value)");
  }

  function parseRef(): RefExpr {
    const root = parseName("a name");
    const path: (string | number)[] = [];
    while (isPunct(peek(), ".")) {
      next();
      const segment = peek();
      if (segment.kind === "ident" || segment.kind === "keyword") path.push(segment.text);
      else if (segment.kind === "number" && Number.isInteger(segment.value)) path.push(segment.value as number);
      else fail(`expected a property name or index after '.', found ${describe(segment)}`);
      next();
    }
    if (!isPunct(peek(), "?")) return { kind: "ref", root, path, range: root.range.to(previousEnd()) };
    const optional = next().range;
    if (isPunct(peek(), ".")) fail("'?' goes at the end of the reference (a.b.c?), not inside it");
    return { kind: "ref", root, path, optional, range: root.range.to(optional) };
  }

  function parseLiteral(what: string): LiteralExpr {
    const start = peek();
    const value = parseJson(what);
    return { kind: "literal", value, range: start.range.to(previousEnd()) };
  }

  function parseJson(what: string): JsonValue {
    const token = peek();
    if (token.kind === "string" || token.kind === "number") {
      next();
      return token.value as JsonValue;
    }
    if (token.kind === "keyword" && (token.text === "true" || token.text === "false" || token.text === "null")) {
      next();
      return token.text === "null" ? null : token.text === "true";
    }
    if (isPunct(token, "[")) {
      next();
      return nested(token, "literal", () => parseJsonItems("]", () => parseJson("a JSON value")));
    }
    if (isPunct(token, "{")) {
      next();
      const entries = nested(token, "literal", () =>
        parseJsonItems("}", (): [string, JsonValue] => {
          const key = peek();
          if (key.kind !== "string") fail(`expected a JSON key in double quotes, found ${describe(key)}`);
          next();
          expectPunct(":", "':' after the key");
          return [key.value as string, parseJson("a JSON value")];
        }),
      );
      return Object.fromEntries(entries) as JsonValue;
    }
    return fail(`expected ${what}, found ${describe(token)}`);
  }

  /** JSON arrays and objects: no trailing comma, as in JSON. */
  function parseJsonItems<T>(close: string, parseItem: () => T): T[] {
    const items: T[] = [];
    if (isPunct(peek(), close)) {
      next();
      return items;
    }
    for (;;) {
      items.push(parseItem());
      const token = next();
      if (isPunct(token, close)) return items;
      if (!isPunct(token, ",")) fail(`expected ',' or '${close}', found ${describe(token)}`, token.range);
    }
  }

  function parseName(what: string): Name {
    const token = peek();
    if (token.kind === "ident") {
      next();
      return { text: token.text, range: token.range };
    }
    if (token.kind === "keyword") return fail(`'${token.text}' is a keyword and cannot be used as ${what.replace(/^the (?=([aeiou])?)/, (_, vowel) => (vowel ? "an " : "a "))}`);
    return fail(`expected ${what}, found ${describe(token)}`);
  }
}

const COMPARISON_OPERATORS: ReadonlySet<string> = new Set(["==", "!=", "<", "<=", ">", ">="]);

function isComparison(token: Token): boolean {
  return token.kind === "punct" && COMPARISON_OPERATORS.has(token.text);
}

function optionValue(token: Token): OptionValue {
  switch (token.kind) {
    case "duration":
      return { kind: "duration", ms: token.value as number, text: token.text };
    case "number":
      return { kind: "number", value: token.value as number, text: token.text };
    case "ident":
    case "keyword":
      return { kind: "word", text: token.text };
    case "string":
      return { kind: "string", value: token.value as string, text: token.text };
    default:
      return { kind: "invalid", text: token.text };
  }
}

/** How a token reads in an error message. */
function describe(token: Token): string {
  switch (token.kind) {
    case "eof":
      return "end of file";
    case "newline":
      return "end of line";
    case "string":
      return `string ${printable(token.text)}`;
    default:
      return `'${printable(token.text)}'`;
  }
}
