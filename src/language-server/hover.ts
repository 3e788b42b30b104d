// Hover: on a call, the function's signature and doc comment; on an input, node or loop
// name, what flows in and out of it (and, for a node, its newest cached output); on an
// option, what it accepts; on a subgraph call or a `use graph` line, the graph's inputs
// (with their defaults) and outputs; on a named argument, the subgraph's input.
import type { Hover, MarkupContent } from "vscode-languageserver";
import type { NodeStatement } from "../graph/ast";
import type { SymbolInfo } from "../graph/checker";
import type { GraphUseInfo } from "../graph/graph-uses";
import { optionSpecsOf } from "../graph/options";
import { graphUseOf, inputOfLabel } from "./aliases";
import type { Analysis } from "./analysis";
import { formatAge } from "../store/entry-age";
import type { CachePreviews } from "./cache-preview";
import { symbolOf, targetAt, toRange, type Target } from "./positions";

export async function hover(analysis: Analysis, offset: number, previews: CachePreviews): Promise<Hover | undefined> {
  const target = targetAt(analysis, offset);
  if (target === undefined) return undefined;
  const value = await hoverText(analysis, target, previews);
  if (value === undefined) return undefined;
  const contents: MarkupContent = { kind: "markdown", value };
  return { contents, range: toRange(targetRange(target)) };
}

function targetRange(target: Target) {
  switch (target.kind) {
    case "callee":
      return target.part === "fn" ? (target.node.call?.callee.fn.range ?? target.node.range) : (target.node.call?.callee.alias?.range ?? target.node.range);
    case "use-path":
      return target.statement.pathRange;
    case "graph-use":
      return target.range;
    case "option":
      return target.entry.key.range;
    default:
      return target.name.range;
  }
}

async function hoverText(analysis: Analysis, target: Target, previews: CachePreviews): Promise<string | undefined> {
  const symbol = symbolOf(target);
  if (symbol) return symbolHover(analysis, symbol, previews);
  const graphUse = graphUseOf(analysis, target);
  if (target.kind === "argument-label") return graphUse && labelHover(graphUse, target.name.text);
  if (graphUse) return graphUseHover(graphUse);
  switch (target.kind) {
    case "callee":
      return target.part === "fn" ? functionHover(analysis, target.node) : aliasHover(analysis, target.node);
    case "use-path": {
      const use = analysis.check.uses.find((u) => u.statement === target.statement);
      if (!use?.lookup) return undefined;
      return use.lookup.ok ? `module \`${use.lookup.module.file}\` — exports ${[...use.lookup.module.exports.keys()].map((n) => `\`${n}\``).join(", ") || "nothing"}` : use.lookup.message;
    }
    case "option": {
      const specs = optionSpecsOf(target.owner);
      const spec = Object.hasOwn(specs, target.entry.key.text) ? specs[target.entry.key.text] : undefined;
      return spec ? `**${target.entry.key.text}** (${target.owner} option): ${spec.expects}` : undefined;
    }
    default:
      return undefined;
  }
}

function graphUseHover(use: GraphUseInfo): string {
  const check = use.check;
  const header = `\`${use.statement.alias?.text ?? use.statement.path}\`: `;
  if (check === undefined) return `${header}graph file \`${use.statement.path}\`, which could not be read or is in a cycle of uses`;
  const graph = check.file.statements.find((s) => s.kind === "graph");
  const inputs = check.file.statements.flatMap((s) => (s.kind === "input" ? [`\`${s.name.text}${s.default ? ` = ${JSON.stringify(s.default.value)}` : ""}\``] : []));
  return [
    `${header}graph \`${graph?.kind === "graph" ? graph.name.text : "?"}\` from \`${use.statement.path}\``,
    `inputs: ${inputs.join(", ") || "none"}`,
    `outputs: ${list(check.outputs)}`,
  ].join("\n\n");
}

function labelHover(use: GraphUseInfo, label: string): string | undefined {
  const input = inputOfLabel(use, label);
  if (input === undefined) return undefined;
  const graph = use.check?.file.statements.find((s) => s.kind === "graph");
  return [
    codeBlock("stepgraph", `input ${label}${input.default ? ` = ${JSON.stringify(input.default.value)}` : ""}`),
    `input of graph \`${graph?.kind === "graph" ? graph.name.text : "?"}\` (\`${use.statement.path}\`)${input.default ? "" : ", required"}`,
  ].join("\n\n");
}

function functionHover(analysis: Analysis, node: NodeStatement): string | undefined {
  const call = analysis.check.calls.get(node);
  if (call === undefined) return undefined;
  const { member, use } = call;
  const parts = [codeBlock("typescript", `function ${member.signature}`)];
  if (member.documentation) parts.push(member.documentation);
  parts.push(`from \`${use.statement.path}\``);
  return parts.join("\n\n");
}

function aliasHover(analysis: Analysis, node: NodeStatement): string | undefined {
  const alias = node.call?.callee.alias?.text;
  const use = analysis.check.uses.find((u) => u.statement.alias?.text === alias);
  return use ? `\`${alias}\`: module \`${use.statement.path}\`` : undefined;
}

async function symbolHover(analysis: Analysis, symbol: SymbolInfo, previews: CachePreviews): Promise<string> {
  const name = symbol.name.text;
  const statement = symbol.statement;
  const lines: string[] = [];
  if (statement.kind === "node") {
    const callee = statement.call?.callee;
    lines.push(codeBlock("stepgraph", `node ${name} = ${callee ? (callee.alias ? `${callee.alias.text}.` : "") + callee.fn.text : "?"}(…)`));
  } else if (statement.kind === "input") {
    lines.push(codeBlock("stepgraph", `input ${name}${statement.default ? ` = ${JSON.stringify(statement.default.value)}` : ""}`));
  } else if (statement.kind === "loop") {
    lines.push(codeBlock("stepgraph", `loop ${name}`), `nodes: ${list(statement.members.map((m) => m.text))}`);
  }
  if (symbol.kind !== "loop") {
    const { upstream, downstream } = analysis.flow;
    if (symbol.kind === "node") lines.push(`upstream: ${list(upstream.get(name) ?? [])}`);
    lines.push(`downstream: ${list(downstream.get(name) ?? [])}`);
  }
  const graph = analysis.graphName;
  if (symbol.kind === "node" && graph !== undefined) {
    const cached = await previews.latest(graph, name);
    if (cached) {
      const { entry } = cached;
      const how = entry.edited ? "edited in the debugger" : `ran in ${Math.round(entry.durationMs)} ms`;
      lines.push(`**cached output** (${formatAge(Date.now() - entry.createdAt)}, ${how})`, codeBlock("", cached.preview));
    }
  }
  return lines.join("\n\n");
}

function list(names: readonly string[]): string {
  return names.length === 0 ? "none" : names.map((n) => `\`${n}\``).join(", ");
}

function codeBlock(language: string, text: string): string {
  // A fence longer than any run of backticks in the text keeps the text inside it.
  const fence = "`".repeat(Math.max(3, ...[...text.matchAll(/`+/g)].map((m) => m[0].length + 1)));
  return `${fence}${language}\n${text}\n${fence}`;
}
