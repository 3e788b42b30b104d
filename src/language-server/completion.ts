// Completion. What fits at the cursor is read from the tokens of the statement being
// written (lexed with the one lexer of src/graph), so it works on half-typed lines the
// parser rejects; the names, exports and subgraph inputs offered come from the newest
// analysis. Inside a node's call and condition, node-completion.ts takes over.
import { readdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { CompletionItemKind, type CompletionItem } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { lex, STATEMENT_KEYWORDS, type Token } from "../graph/lexer";
import type { ExportedMember } from "../graph/module-exports";
import { optionSpecsOf, type OptionOwner } from "../graph/options";
import type { Analysis } from "./analysis";
import { endsOperand, nameItems, nodeCallItems } from "./node-completion";

/** How far up a statement that spans lines is looked for. */
const MAX_STATEMENT_LINES = 50;
const MODULE_FILE = /\.(ts|mts|js|mjs)$/;
const GRAPH_FILE = /\.graph$/;
const OPTION_VALUES: Readonly<Record<string, readonly string[]>> = { cache: ["off", "forever", "10m", "1h", "1d"] };

export function completions(document: TextDocument, analysis: Analysis, offset: number): CompletionItem[] {
  const text = document.getText();
  const start = statementStart(document, offset);
  const tokens = lex(text.slice(start, offset)).tokens.filter((t) => t.kind !== "eof");
  // Only the statement the cursor is in: drop what ended before it.
  const lastNewline = tokens.map((t) => t.kind).lastIndexOf("newline");
  const statement = tokens.slice(lastNewline + 1);
  const sliceEnd = offset - start;
  const last = statement[statement.length - 1];

  if (last?.kind === "string" && last.range.endOffset === sliceEnd && isUnclosedString(last)) {
    if (statement[0]?.text !== "use") return [];
    if (statement.length === 2) return pathItems(analysis, last, document, offset, MODULE_FILE);
    return statement.length === 3 && statement[1].text === "graph" ? pathItems(analysis, last, document, offset, GRAPH_FILE) : [];
  }
  // A word being typed is what the client filters by; the context is what precedes it.
  const typing = last !== undefined && (last.kind === "ident" || last.kind === "keyword") && last.range.endOffset === sliceEnd;
  const context = typing ? statement.slice(0, -1) : statement;
  return itemsFor(context, analysis, offset);
}

/** Start offset of the statement the cursor is in: the nearest line above that starts with a statement keyword. */
function statementStart(document: TextDocument, offset: number): number {
  const cursorLine = document.positionAt(offset).line;
  for (let line = cursorLine; line >= 0 && line > cursorLine - MAX_STATEMENT_LINES; line--) {
    const lineText = document.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
    if (new RegExp(`^\\s*(${STATEMENT_KEYWORDS.join("|")})\\b`).test(lineText)) return document.offsetAt({ line, character: 0 });
    if (lineText.trim() === "" && line < cursorLine) break;
  }
  return document.offsetAt({ line: cursorLine, character: 0 });
}

function isUnclosedString(token: Token): boolean {
  return token.text.length < 2 || !token.text.endsWith('"') || token.text.endsWith('\\"');
}

function itemsFor(context: readonly Token[], analysis: Analysis, offset: number): CompletionItem[] {
  if (context.length === 0) return STATEMENT_KEYWORDS.map((keyword) => ({ label: keyword, kind: CompletionItemKind.Keyword }));
  const first = context[0].text;
  const last = context[context.length - 1];
  const open = innermostOpen(context);
  const isPunct = (token: Token | undefined, text: string) => token?.kind === "punct" && token.text === text;
  const afterSeparator = isPunct(last, ",") || (open !== undefined && last === open.token);

  if (open?.isOptions && afterSeparator) return optionNameItems(first === "loop" || first === "graph" ? first : "node");
  if (open?.isOptions && isPunct(last, ":")) return optionValueItems(context[context.length - 2]?.text ?? "");
  if (first === "node") {
    const equals = context.findIndex((t) => isPunct(t, "="));
    if (equals >= 0 && context.length === equals + 1) return functionItems(analysis);
    if (equals >= 0 && context.length === equals + 3 && isPunct(last, ".")) return aliasMemberItems(analysis, context[equals + 1].text);
    return nodeCallItems(context, analysis, offset) ?? [];
  }
  if (first === "loop" && isPunct(open?.token, "{") && afterSeparator) return nameItems(analysis, ["node"], undefined);
  if (first === "output" && (context.length === 1 || isPunct(last, ","))) return nameItems(analysis, ["node"], undefined);
  if (first === "use" && context.length === 1) return [{ label: "graph", kind: CompletionItemKind.Keyword, detail: "use another graph file, called as one node" }];
  const usePath = context[1]?.kind === "string" ? 2 : context[1]?.text === "graph" && context[2]?.kind === "string" ? 3 : 0;
  if (first === "use" && usePath > 0 && context.length === usePath) return [{ label: "as", kind: CompletionItemKind.Keyword }];
  return [];
}

/** The innermost bracket still open, its depth, and whether it opens options (`[` after `)` or `}`, after a `when` condition's last operand, or after `graph NAME`). */
function innermostOpen(tokens: readonly Token[]): { token: Token; depth: number; isOptions: boolean } | undefined {
  const stack: number[] = [];
  tokens.forEach((token, i) => {
    if (token.kind !== "punct") return;
    if ("([{".includes(token.text)) stack.push(i);
    else if (")]}".includes(token.text)) stack.pop();
  });
  if (stack.length === 0) return undefined;
  const index = stack[stack.length - 1];
  const before = tokens[index - 1];
  const afterCondition = tokens.slice(0, index).some((t) => t.kind === "keyword" && t.text === "when") && endsOperand(before);
  const afterGraphName = tokens[0]?.text === "graph" && index === 2;
  const isOptions = tokens[index].text === "[" && stack.length === 1 && ((before?.kind === "punct" && (before.text === ")" || before.text === "}")) || afterCondition || afterGraphName);
  return { token: tokens[index], depth: stack.length, isOptions };
}

function optionNameItems(owner: OptionOwner): CompletionItem[] {
  return Object.entries(optionSpecsOf(owner)).map(([name, spec]) => ({ label: name, kind: CompletionItemKind.Property, detail: spec.expects, insertText: `${name}: ` }));
}

function optionValueItems(option: string): CompletionItem[] {
  return (OPTION_VALUES[option] ?? []).map((value) => ({ label: value, kind: CompletionItemKind.Value }));
}

/** The bare exports of the alias-less modules, and the aliases of modules and graphs. */
function functionItems(analysis: Analysis): CompletionItem[] {
  const items: CompletionItem[] = analysis.check.graphUses.flatMap((use) =>
    use.statement.alias ? [{ label: use.statement.alias.text, kind: CompletionItemKind.Module, detail: `use graph "${use.statement.path}"` }] : [],
  );
  for (const use of analysis.check.uses) {
    if (use.statement.alias) {
      items.push({ label: use.statement.alias.text, kind: CompletionItemKind.Module, detail: `use "${use.statement.path}"` });
    } else if (use.lookup?.ok) {
      for (const member of use.lookup.module.exports.values()) if (member.callable) items.push(functionItem(member, use.statement.path));
    }
  }
  return items;
}

function aliasMemberItems(analysis: Analysis, alias: string): CompletionItem[] {
  const use = analysis.check.uses.find((u) => u.statement.alias?.text === alias);
  if (!use?.lookup?.ok) return [];
  return [...use.lookup.module.exports.values()].filter((m) => m.callable).map((member) => functionItem(member, use.statement.path));
}

function functionItem(member: ExportedMember, modulePath: string): CompletionItem {
  return {
    label: member.name,
    kind: CompletionItemKind.Function,
    detail: member.signature,
    labelDetails: { description: modulePath },
    ...(member.documentation ? { documentation: { kind: "markdown", value: member.documentation } } : {}),
  };
}

/** Files (modules, or graphs after `use graph`) and folders next to what is typed in `use "..."`, relative to the graph's folder. */
function pathItems(analysis: Analysis, token: Token, document: TextDocument, offset: number, fileName: RegExp): CompletionItem[] {
  const typed = token.text.slice(1);
  const slash = typed.lastIndexOf("/");
  const folderPart = slash >= 0 ? typed.slice(0, slash + 1) : "./";
  let entries;
  try {
    entries = readdirSync(resolve(dirname(analysis.path), folderPart), { withFileTypes: true });
  } catch {
    return []; // a folder that does not exist (yet): nothing to offer
  }
  const range = { start: document.positionAt(offset - typed.length), end: document.positionAt(offset) };
  return entries
    .filter((e) => !e.name.startsWith(".") && e.name !== "node_modules" && (e.isDirectory() || (fileName.test(e.name) && !e.name.endsWith(".d.ts"))))
    .map((e) => {
      const newText = `${folderPart}${e.name}${e.isDirectory() ? "/" : ""}`;
      return { label: e.name, kind: e.isDirectory() ? CompletionItemKind.Folder : CompletionItemKind.File, filterText: newText, textEdit: { range, newText } };
    });
}
