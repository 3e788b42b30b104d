// Splits a `.graph` file into tokens. Newlines end statements, except while a `(`, `[`
// or `{` is open; a line that starts with a statement keyword always starts a new
// statement, so an unclosed bracket cannot swallow the rest of the file.
import { Code, DiagnosticList, error } from "./diagnostics";
import { LineMap, type TextRange } from "./text-range";

export const KEYWORDS = ["graph", "use", "as", "input", "node", "output", "loop", "true", "false", "null", "map", "when", "not", "and", "or"] as const;
export const STATEMENT_KEYWORDS = ["graph", "use", "input", "node", "output", "loop"] as const;
export const DURATION_UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

const keywordSet: ReadonlySet<string> = new Set(KEYWORDS);
const statementKeywordSet: ReadonlySet<string> = new Set(STATEMENT_KEYWORDS);

export type TokenKind =
  | "ident"
  | "keyword"
  | "string"
  | "number"
  | "duration"
  | "punct"
  | "newline"
  | "eof"
  | "invalid";

export interface Token {
  kind: TokenKind;
  /** The source text of the token (for strings: with quotes). */
  text: string;
  range: TextRange;
  /** Decoded value: the string's contents, the number, or the duration in milliseconds. */
  value?: string | number;
}

export interface LexResult {
  lines: LineMap;
  tokens: Token[];
  comments: { text: string; range: TextRange }[];
  diagnostics: DiagnosticList;
}

const OPENERS = "([{";
const CLOSERS = ")]}";
const PUNCTUATION = "()[]{},:=.?";
/** Comparison operators of `when` conditions, longest first. */
const OPERATOR = /==|!=|<=|>=|<|>/y;
const JSON_NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const INTEGER = /\d+/y;
const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;
const UNIT_AND_TAIL = /[A-Za-z_][A-Za-z0-9_]*/y;
const JSON_STRING_ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;

export function isKeyword(word: string): boolean {
  return keywordSet.has(word);
}

/** All the tokens of a text at once, ending with `eof`: for the formatter and completion. */
export function lex(text: string): LexResult {
  const stream = tokenize(text);
  const tokens: Token[] = [];
  let token: Token;
  do tokens.push((token = stream.next()));
  while (token.kind !== "eof");
  return { lines: stream.lines, tokens, comments: stream.comments, diagnostics: stream.diagnostics };
}

/** The tokens of a text one at a time, so that a parser skipping junk need not hold them all. */
export interface TokenStream extends Omit<LexResult, "tokens"> {
  /** The next token; `eof` at the end, and again on every later call. */
  next(): Token;
}

export function tokenize(text: string): TokenStream {
  const pending: Token[] = [];
  let last: Token | undefined;
  const comments: LexResult["comments"] = [];
  const diagnostics = new DiagnosticList();
  const lines = new LineMap(text);
  let offset = 0;
  let depth = 0;
  let atLineStart = true;

  const rangeFrom = (start: number): TextRange => lines.range(start, offset);
  const push = (kind: TokenKind, start: number, value?: string | number): Token => {
    const token: Token = { kind, text: text.slice(start, offset), range: rangeFrom(start) };
    if (value !== undefined) token.value = value;
    pending.push(token);
    last = token;
    return token;
  };
  const matchAt = (pattern: RegExp, at: number): string | undefined => {
    pattern.lastIndex = at;
    return pattern.exec(text)?.[0];
  };

  return {
    lines,
    comments,
    diagnostics,
    next() {
      while (pending.length === 0) {
        if (offset < text.length) scan();
        else return { kind: "eof", text: "", range: rangeFrom(offset) };
      }
      return pending.shift() as Token;
    },
  };

  /** Reads on from `offset` past one token, or past whitespace or a comment. */
  function scan(): void {
    const ch = text[offset];
    const start = offset;

    if (ch === "\n" || ch === "\r") {
      // Zero-width at the line break, so that its range stays on the line it ends.
      if (depth === 0) push("newline", start);
      offset += ch === "\r" && text[offset + 1] === "\n" ? 2 : 1;
      atLineStart = true;
      return;
    }
    if (ch === " " || ch === "\t" || ch === "\uFEFF") {
      offset++;
      return;
    }
    if (ch === "/" && text[offset + 1] === "/") {
      while (offset < text.length && text[offset] !== "\n" && text[offset] !== "\r") offset++;
      comments.push({ text: text.slice(start, offset), range: rangeFrom(start) });
      return;
    }

    const startsLine = atLineStart;
    atLineStart = false;

    const word = isIdentifierStart(ch) ? matchAt(IDENT, offset) : undefined;
    if (word !== undefined) {
      if (startsLine && depth > 0 && statementKeywordSet.has(word)) {
        // An unclosed bracket above: end that statement here so this one still parses.
        // The statement's end is placed right after its last token, where the closer is missing.
        depth = 0;
        last = { kind: "newline", text: "", range: (last as Token).range.atEnd() };
        pending.push(last);
      }
      offset += word.length;
      push(keywordSet.has(word) ? "keyword" : "ident", start);
      return;
    }

    if (ch === '"') {
      lexString(start);
      return;
    }

    if (ch === "-" || (ch >= "0" && ch <= "9")) {
      lexNumberOrDuration(start);
      return;
    }

    const operator = matchAt(OPERATOR, offset);
    if (operator !== undefined) {
      offset += operator.length;
      push("punct", start);
      return;
    }

    if (PUNCTUATION.includes(ch)) {
      offset++;
      if (OPENERS.includes(ch)) depth++;
      else if (CLOSERS.includes(ch) && depth > 0) depth--;
      push("punct", start);
      return;
    }

    if (ch === "!") {
      offset++;
      const bad = push("invalid", start);
      diagnostics.pushError(Code.Syntax, bad.range, () => "unexpected '!': write 'not' to negate, '!=' to compare");
      return;
    }

    // Anything else: one invalid token per run of unexpected characters.
    while (offset < text.length && !isTokenBoundary(text[offset])) offset++;
    if (offset === start) offset++;
    const bad = push("invalid", start);
    diagnostics.pushError(Code.Syntax, bad.range, () => `unexpected character${bad.text.length > 1 ? "s" : ""} '${printable(bad.text)}'`);
  }

  function lexString(start: number): void {
    offset++; // opening quote
    let value = "";
    let closed = false;
    while (offset < text.length) {
      const c = text[offset];
      if (c === '"') {
        offset++;
        closed = true;
        break;
      }
      if (c === "\n" || c === "\r") break;
      if (c === "\\") {
        const escape = matchAt(JSON_STRING_ESCAPE, offset);
        if (escape === undefined) {
          const escapeStart = offset;
          offset += Math.min(2, text.length - offset);
          diagnostics.push(error(Code.Syntax, `invalid escape '${printable(text.slice(escapeStart, offset))}' in string`, rangeFrom(escapeStart)));
          continue;
        }
        value += JSON.parse(`"${escape}"`) as string;
        offset += escape.length;
        continue;
      }
      if (c < " ") {
        diagnostics.push(error(Code.Syntax, "control character in string (write it as an escape)", lines.range(offset, offset + 1)));
      }
      value += c;
      offset++;
    }
    const token = push("string", start, value);
    if (!closed) diagnostics.push(error(Code.Syntax, "unterminated string: missing closing '\"'", token.range));
  }

  function lexNumberOrDuration(start: number): void {
    // After a `.` a number is a path segment (`items.0`): digits only, so `a.0.1` is two segments.
    const previous = last;
    const isPathSegment = previous?.kind === "punct" && previous.text === ".";
    const numberText = matchAt(isPathSegment ? INTEGER : JSON_NUMBER, offset);
    if (numberText === undefined) {
      offset++;
      const bad = push("invalid", start);
      diagnostics.push(error(Code.Syntax, `expected a number after '-'`, bad.range));
      return;
    }
    offset += numberText.length;
    const tail = isPathSegment ? undefined : matchAt(UNIT_AND_TAIL, offset);
    if (tail === undefined) {
      push("number", start, Number(numberText));
      return;
    }
    offset += tail.length;
    const unit = DURATION_UNITS[tail];
    if (unit !== undefined && /^\d+$/.test(numberText)) {
      push("duration", start, Number(numberText) * unit);
      return;
    }
    const bad = push("invalid", start);
    diagnostics.push(
      error(
        Code.Syntax,
        unit === undefined
          ? `invalid duration '${bad.text}': the unit must be ms, s, m, h or d`
          : `invalid duration '${bad.text}': a duration is a whole number followed by its unit`,
        bad.range,
      ),
    );
  }
}

function isIdentifierStart(c: string): boolean {
  return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_";
}

function isTokenBoundary(c: string): boolean {
  return /[\sA-Za-z0-9_"(){}[\],:=.?<>!\-/]/.test(c);
}

/** Shows control characters and other unprintables as escapes in messages. */
export function printable(s: string): string {
  const shown = s.length > 20 ? `${s.slice(0, 20)}…` : s;
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  return shown.replace(/[\u0000-\u001f\u007f-\u009f\ufffd]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
