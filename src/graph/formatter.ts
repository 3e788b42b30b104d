// The formatter of `.graph` files: one statement per line rendered from its tokens (one
// space after commas and around `=`, none inside calls), the `=` of consecutive node
// statements aligned, their `[options]` and trailing comments aligned, loop statements
// aligned alike, trailing whitespace trimmed and exactly one final newline.
//
// It moves no token to another line, so a statement that spans lines is kept as written
// (only its trailing whitespace goes). A file with syntax errors is refused, and so is an
// output whose tokens or comments differ from the input's: formatting never changes the
// meaning of a file nor drops a comment. Formatting a formatted file changes nothing.
import type { LoopStatement, NodeStatement, Statement } from "./ast";
import { lex, type Token } from "./lexer";
import { parse } from "./parser";

export type FormatResult = { ok: true; text: string } | { ok: false; reason: string };

/** How one source line comes out. */
type LineLayout =
  | { kind: "verbatim" }
  | { kind: "node"; name: string; call: string; tail: string }
  | { kind: "loop"; name: string; body: string; tail: string }
  | { kind: "other"; code: string; comment?: { text: string; column: number } };

/** Lines between aligned statements that keep the block going: comment-only lines. */
const BLOCK_KINDS = new Set(["node", "loop"]);

/** Columns between the longest statement with options or a comment in a block and where those start. */
const TAIL_GAP = 2;

export function formatGraph(text: string): FormatResult {
  const parsed = parse(text);
  if (parsed.diagnostics.length > 0) return { ok: false, reason: "the file has syntax errors; fix them first" };
  const { tokens, comments } = lex(text);
  const sourceLines = text.split(/\r\n|\r|\n/);
  const layouts: LineLayout[] = sourceLines.map(() => ({ kind: "verbatim" }));
  const commentOnLine = new Map(comments.map((comment) => [comment.range.start.line, comment]));

  let tokenIndex = 0;
  for (const statement of parsed.file.statements) {
    const { startOffset, endOffset } = statement.range;
    while (tokens[tokenIndex].range.startOffset < startOffset) tokenIndex++;
    const own: Token[] = [];
    for (let i = tokenIndex; tokens[i].kind !== "eof" && tokens[i].range.startOffset < endOffset; i++) {
      if (tokens[i].kind !== "newline") own.push(tokens[i]);
    }
    const line = statement.range.start.line;
    if (statement.range.end.line !== line) continue; // multi-line: kept as written
    const comment = commentOnLine.get(line);
    const trailing = comment && comment.range.startOffset >= endOffset ? comment : undefined;
    layouts[line] = layoutStatement(statement, own, trailing && { text: trailing.text.trimEnd(), column: trailing.range.start.character });
  }

  const rendered = renderLines(sourceLines, layouts);
  const eol = /\r\n/.test(text) ? "\r\n" : /\r/.test(text) && !/\n/.test(text) ? "\r" : "\n";
  while (rendered.length > 0 && rendered[rendered.length - 1] === "") rendered.pop();
  const bom = text.startsWith("\uFEFF") && !rendered[0]?.startsWith("\uFEFF") ? "\uFEFF" : "";
  const output = rendered.length === 0 ? "" : `${bom}${rendered.join(eol)}${eol}`;
  if (!sameMeaning(text, output)) return { ok: false, reason: "formatting would change the file's tokens or comments, so it was not applied" };
  return { ok: true, text: output };
}

function layoutStatement(statement: Statement, tokens: readonly Token[], comment: { text: string; column: number } | undefined): LineLayout {
  if (statement.kind === "node") return layoutNode(statement, tokens, comment?.text);
  if (statement.kind === "loop") return layoutLoop(statement, tokens, comment?.text);
  return { kind: "other", code: joinTokens(tokens), ...(comment ? { comment } : {}) };
}

/** `node NAME = CALL [when CONDITION] [OPTIONS]`: the call's tokens, then everything after it. */
function layoutNode(statement: NodeStatement, tokens: readonly Token[], comment: string | undefined): LineLayout {
  const callEnd = statement.call?.range.endOffset ?? statement.name.range.endOffset;
  const equals = tokens.findIndex((t) => t.kind === "punct" && t.text === "=");
  const call = tokens.filter((t, i) => i > equals && t.range.startOffset < callEnd);
  const after = tokens.filter((t) => t.range.startOffset >= callEnd);
  return { kind: "node", name: statement.name.text, call: joinTokens(call), tail: joinTail(after, comment) };
}

/** `loop NAME { MEMBERS } [OPTIONS]`. */
function layoutLoop(statement: LoopStatement, tokens: readonly Token[], comment: string | undefined): LineLayout {
  const bodyStart = statement.bodyRange?.startOffset ?? statement.name.range.endOffset;
  const bodyEnd = statement.bodyRange?.endOffset ?? statement.name.range.endOffset;
  const body = tokens.filter((t) => t.range.startOffset >= bodyStart && t.range.startOffset < bodyEnd);
  const after = tokens.filter((t) => t.range.startOffset >= bodyEnd);
  return { kind: "loop", name: statement.name.text, body: joinTokens(body), tail: joinTail(after, comment) };
}

function joinTail(tokens: readonly Token[], comment: string | undefined): string {
  return [joinTokens(tokens), comment ?? ""].filter((part) => part !== "").join(" ");
}

/** Tokens with the house spacing: `f(a, b)`, `x.y`, `[k: v]`, `{ a, b }`, `a = b`, `x?`, `a > 1 and not (b)`. */
export function joinTokens(tokens: readonly Token[]): string {
  let out = "";
  tokens.forEach((token, i) => {
    if (i > 0 && needsSpace(tokens[i - 1], token)) out += " ";
    out += token.text;
  });
  return out;
}

const NO_SPACE_BEFORE = new Set([",", ")", "]", ".", ":", "?"]);
const NO_SPACE_AFTER = new Set(["(", "[", "."]);

function needsSpace(previous: Token, token: Token): boolean {
  const punct = (t: Token, set: ReadonlySet<string>) => t.kind === "punct" && set.has(t.text);
  if (punct(token, NO_SPACE_BEFORE) || punct(previous, NO_SPACE_AFTER)) return false;
  // `f(x)` is a call; after a keyword or an operator, `(` groups a condition: `when (a or b)`, `not (x)`.
  if (token.kind === "punct" && token.text === "(") return previous.kind !== "ident";
  // `{}` stays tight; `{ a }` gets inner spaces.
  if (token.kind === "punct" && token.text === "}") return !(previous.kind === "punct" && previous.text === "{");
  return true;
}

/** Renders every line, aligning blocks of consecutive node (or loop) statements. */
function renderLines(sourceLines: readonly string[], layouts: readonly LineLayout[]): string[] {
  const out = sourceLines.map((line) => line.trimEnd());
  let i = 0;
  while (i < layouts.length) {
    const kind = layouts[i].kind;
    if (!BLOCK_KINDS.has(kind)) {
      const layout = layouts[i];
      if (layout.kind === "other") out[i] = renderOther(layout);
      i++;
      continue;
    }
    const members = blockAt(i, kind, sourceLines, layouts);
    renderBlock(members, layouts, out);
    i = members[members.length - 1] + 1;
  }
  return out;
}

/** The lines of the block of `kind` starting at `start`; comment-only lines inside it do not end it. */
function blockAt(start: number, kind: string, sourceLines: readonly string[], layouts: readonly LineLayout[]): number[] {
  const members = [start];
  for (let j = start + 1; j < layouts.length; j++) {
    if (layouts[j].kind === kind) members.push(j);
    else if (!(layouts[j].kind === "verbatim" && sourceLines[j].trimStart().startsWith("//"))) break;
  }
  return members;
}

function renderBlock(members: readonly number[], layouts: readonly LineLayout[], out: string[]): void {
  const statements = members.map((line) => layouts[line] as Extract<LineLayout, { kind: "node" | "loop" }>);
  const width = Math.max(...statements.map((s) => s.name.length));
  const heads = statements.map((s) => (s.kind === "node" ? `node ${s.name.padEnd(width)} = ${s.call}` : `loop ${s.name.padEnd(width)} ${s.body}`));
  // Only lines with options or a comment set the column: a long bare call does not push them right.
  const tailColumn = Math.max(0, ...heads.filter((_, k) => statements[k].tail !== "").map((head) => head.length)) + TAIL_GAP;
  members.forEach((line, k) => {
    const tail = statements[k].tail;
    out[line] = tail === "" ? heads[k] : `${heads[k].padEnd(tailColumn)}${tail}`;
  });
}

/** Any other statement; a trailing comment keeps its column when the code leaves room. */
function renderOther(layout: Extract<LineLayout, { kind: "other" }>): string {
  if (!layout.comment) return layout.code;
  const { text, column } = layout.comment;
  return layout.code.length < column ? `${layout.code.padEnd(column)}${text}` : `${layout.code} ${text}`;
}

/** Same tokens in the same order and the same comments (trailing whitespace and line breaks at the end aside). */
function sameMeaning(before: string, after: string): boolean {
  const a = lex(before);
  const b = lex(after);
  const tokensA = withoutFinalNewlines(a.tokens);
  const tokensB = withoutFinalNewlines(b.tokens);
  if (tokensA.length !== tokensB.length || a.comments.length !== b.comments.length) return false;
  const tokensMatch = tokensA.every((token, i) => token.kind === tokensB[i].kind && token.text === tokensB[i].text);
  return tokensMatch && a.comments.every((comment, i) => comment.text.trimEnd() === b.comments[i].text.trimEnd());
}

function withoutFinalNewlines(tokens: readonly Token[]): readonly Token[] {
  let end = tokens.length;
  while (end > 0 && (tokens[end - 1].kind === "newline" || tokens[end - 1].kind === "eof")) end--;
  return tokens.slice(0, end);
}
