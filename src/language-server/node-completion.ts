// Completion inside a node statement after its callee: `NODE = CALLEE(ARGS) [when CONDITION]`.
// In the arguments, a subgraph's input names (those not given yet) or input and node names
// and `map`; after the call, `when`; in a condition, names, `not`, then `and`/`or`; after
// `REF.`, the fields known for that path. Read from the statement's tokens, as completion.ts.
import { CompletionItemKind, type CompletionItem } from "vscode-languageserver";
import type { NodeStatement, RefExpr } from "../graph/ast";
import { statementReferences } from "../graph/condition";
import type { GraphUseInfo } from "../graph/graph-uses";
import type { Token } from "../graph/lexer";
import { valueAtPath } from "../graph/value-path";
import type { Analysis } from "./analysis";

const COMPARISON = new Set(["==", "!=", "<", "<=", ">", ">="]);
const MAP_ITEM: CompletionItem = { label: "map", kind: CompletionItemKind.Keyword, detail: "call the function once per element of an array" };
const WHEN_ITEM: CompletionItem = { label: "when", kind: CompletionItemKind.Keyword, detail: "run the node only when a condition holds" };
const NOT_ITEM: CompletionItem = { label: "not", kind: CompletionItemKind.Keyword };
const JOIN_ITEMS: CompletionItem[] = [
  { label: "and", kind: CompletionItemKind.Keyword },
  { label: "or", kind: CompletionItemKind.Keyword },
];

const isPunct = (token: Token | undefined, text: string) => token?.kind === "punct" && token.text === text;
const isKeyword = (token: Token | undefined, text: string) => token?.kind === "keyword" && token.text === text;

/** A token that can end an operand of a condition: after it come `and`, `or`, a comparison or the options. */
export function endsOperand(token: Token | undefined): boolean {
  if (token === undefined) return false;
  if (token.kind === "ident" || token.kind === "number" || token.kind === "string") return true;
  if (token.kind === "keyword") return token.text === "true" || token.text === "false" || token.text === "null";
  return token.kind === "punct" && (token.text === "?" || token.text === ")" || token.text === "]" || token.text === "}");
}

/**
 * Items for a node statement whose call has begun (`context` ends after the callee's `(`),
 * or undefined when the cursor is not past a callee. `offset` is the cursor's, to leave out
 * the reference being typed from the paths written elsewhere.
 */
export function nodeCallItems(context: readonly Token[], analysis: Analysis, offset: number): CompletionItem[] | undefined {
  const equals = context.findIndex((t) => isPunct(t, "="));
  const callOpen = context.findIndex((t, i) => i > equals && isPunct(t, "("));
  if (equals < 0 || callOpen < 0) return undefined;
  const self = context[1]?.text;
  const callee = context.slice(equals + 1, callOpen);
  const graphUse = callee.length === 1 ? analysis.check.graphUses.find((u) => u.statement.alias?.text === callee[0].text) : undefined;

  let depth = 0;
  let argumentStart = callOpen + 1;
  for (let i = callOpen; i < context.length; i++) {
    const token = context[i];
    if (token.kind !== "punct") continue;
    if ("([{".includes(token.text)) depth++;
    else if (")]}".includes(token.text)) depth--;
    else if (token.text === "," && depth === 1) argumentStart = i + 1;
    if (depth === 0) return afterCallItems(context.slice(i + 1), analysis, self, offset);
  }
  if (depth !== 1) return []; // inside a literal array or object
  const argument = context.slice(argumentStart);
  const last = argument[argument.length - 1];
  if (isPunct(last, ".")) return pathItems(argument, analysis, offset);
  const valueStart = graphUse && isPunct(argument[1], ":") ? 2 : 0;
  const value = argument.slice(valueStart);
  if (graphUse && argument.length === 0) return subgraphInputItems(graphUse, givenLabels(context.slice(callOpen + 1)));
  if (value.length === 0) return [...nameItems(analysis, ["input", "node"], self), MAP_ITEM];
  if (value.length === 1 && isKeyword(value[0], "map")) return nameItems(analysis, ["input", "node"], self);
  return [];
}

/** After the call's `)`: `when`, then the condition. Options (`[`) are completed by completion.ts. */
function afterCallItems(rest: readonly Token[], analysis: Analysis, self: string | undefined, offset: number): CompletionItem[] {
  if (rest.length === 0) return [WHEN_ITEM];
  if (!isKeyword(rest[0], "when")) return [];
  const condition = rest.slice(1);
  if (condition.some((t, i) => isPunct(t, "[") && endsOperand(condition[i - 1]))) return [];
  const last = condition[condition.length - 1];
  if (isPunct(last, ".")) return pathItems(condition, analysis, offset);
  if (last === undefined || isKeyword(last, "and") || isKeyword(last, "or") || isKeyword(last, "not") || isPunct(last, "(") || (last.kind === "punct" && COMPARISON.has(last.text))) {
    return [...nameItems(analysis, ["input", "node"], self), NOT_ITEM];
  }
  return endsOperand(last) ? JOIN_ITEMS : [];
}

/** The labels of the named arguments written so far in a call (`NAME:` at the call's own depth). */
function givenLabels(args: readonly Token[]): Set<string> {
  const given = new Set<string>();
  let depth = 0;
  args.forEach((token, i) => {
    if (token.kind === "punct" && "([{".includes(token.text)) depth++;
    else if (token.kind === "punct" && ")]}".includes(token.text)) depth--;
    else if (depth === 0 && token.kind === "ident" && isPunct(args[i + 1], ":") && (i === 0 || isPunct(args[i - 1], ","))) given.add(token.text);
  });
  return given;
}

function subgraphInputItems(use: GraphUseInfo, given: ReadonlySet<string>): CompletionItem[] {
  const inputs = use.check?.file.statements.flatMap((s) => (s.kind === "input" && !given.has(s.name.text) ? [s] : [])) ?? [];
  return inputs.map((input) => ({
    label: input.name.text,
    kind: CompletionItemKind.Property,
    detail: input.default ? `input = ${JSON.stringify(input.default.value)}` : "input, required",
    labelDetails: { description: use.statement.path },
    insertText: `${input.name.text}: `,
    // Required inputs first.
    sortText: `${input.default ? 1 : 0}${input.name.text}`,
  }));
}

/** The fields after `ROOT.PATH.`: a subgraph call's outputs, an input default's keys, and the paths written elsewhere in the file. */
function pathItems(tokens: readonly Token[], analysis: Analysis, offset: number): CompletionItem[] {
  const segments: (string | number)[] = [];
  let i = tokens.length - 2;
  for (; i >= 0; i -= 2) {
    const token = tokens[i];
    if (token.kind !== "ident" && token.kind !== "number" && token.kind !== "keyword") return [];
    segments.unshift(token.kind === "number" ? Number(token.text) : token.text);
    if (!isPunct(tokens[i - 1], ".")) break;
  }
  const [root, ...path] = segments;
  if (typeof root !== "string" || tokens[i]?.kind !== "ident") return [];
  const symbol = analysis.check.symbols.get(root);
  const fields = new Map<string, string>();
  if (symbol?.statement.kind === "node" && path.length === 0) {
    const node = symbol.statement;
    const use = analysis.check.subgraphCalls.get(node);
    // A mapped call gives an array of the subgraph's output objects.
    if (use?.check && !node.call?.args.some((arg) => arg.map)) for (const output of use.check.outputs) fields.set(output, `output of graph '${use.statement.alias?.text}'`);
  }
  if (symbol?.statement.kind === "input" && symbol.statement.default) {
    const value = valueAtPath(symbol.statement.default.value, path);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) for (const key of Object.keys(value)) fields.set(key, `in the default of '${root}'`);
  }
  for (const ref of writtenReferences(analysis)) {
    if (ref.root.text !== root || (ref.range.startOffset <= offset && offset <= ref.range.endOffset)) continue;
    const next = ref.path[path.length];
    if (typeof next === "string" && path.every((segment, k) => ref.path[k] === segment) && !fields.has(next)) {
      fields.set(next, `as written on line ${ref.range.start.line + 1}`);
    }
  }
  return [...fields].map(([label, detail]) => ({ label, kind: CompletionItemKind.Field, detail }));
}

/** Every reference written in an argument or a condition of the file's nodes. */
function writtenReferences(analysis: Analysis): RefExpr[] {
  return analysis.statements.flatMap((s) =>
    s.kind === "node" ? statementReferences(s) : [],
  );
}

export function nameItems(analysis: Analysis, kinds: readonly ("input" | "node")[], exclude: string | undefined): CompletionItem[] {
  return [...analysis.check.symbols.values()]
    .filter((symbol) => (kinds as readonly string[]).includes(symbol.kind) && symbol.name.text !== exclude)
    .map((symbol) => ({
      label: symbol.name.text,
      kind: symbol.kind === "input" ? CompletionItemKind.Variable : CompletionItemKind.Field,
      detail: symbol.kind === "node" && symbol.statement.kind === "node" && symbol.statement.call ? `node = ${calleeText(symbol.statement)}(…)` : symbol.kind,
    }));
}

function calleeText(statement: NodeStatement): string {
  const callee = statement.call?.callee;
  return callee ? `${callee.alias ? `${callee.alias.text}.` : ""}${callee.fn.text}` : "";
}
