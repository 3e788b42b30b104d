// Go to definition: a name to its declaration, a called function into its TypeScript
// source, an alias to its `use`, a `use` path to the module file; a subgraph call to its
// `use graph` alias, that line into the subgraph's file (its `graph` line), and a named
// argument to the subgraph's `input`.
import { pathToFileURL } from "node:url";
import type { Location } from "vscode-languageserver";
import type { ResolvedCall, UseInfo } from "../graph/checker";
import type { GraphUseInfo } from "../graph/graph-uses";
import type { TextRange } from "../graph/text-range";
import { graphUseOf, inputOfLabel } from "./aliases";
import type { Analysis } from "./analysis";
import { symbolOf, targetAt, toRange } from "./positions";

export function definition(analysis: Analysis, offset: number): Location | undefined {
  const target = targetAt(analysis, offset);
  if (target === undefined) return undefined;
  const symbol = symbolOf(target);
  if (symbol) return { uri: analysis.uri, range: toRange(symbol.name.range) };
  const graphUse = graphUseOf(analysis, target);
  if (target.kind === "callee" && target.part === "fn" && graphUse?.statement.alias) {
    return { uri: analysis.uri, range: toRange(graphUse.statement.alias.range) };
  }
  if (target.kind === "argument-label") {
    const input = graphUse && inputOfLabel(graphUse, target.name.text);
    return input && graphUse ? subgraphLocation(graphUse, input.name.range) : undefined;
  }
  if (target.kind === "graph-use" || (target.kind === "alias" && target.statement.kind === "useGraph")) {
    const graphLine = graphUse?.check?.file.statements.find((s) => s.kind === "graph");
    return graphUse && graphLine?.kind === "graph" ? subgraphLocation(graphUse, graphLine.name.range) : undefined;
  }
  if (target.kind === "alias") {
    const use = analysis.check.uses.find((u) => u.statement === target.statement);
    return use ? moduleLocation(use) : undefined;
  }
  if (target.kind === "callee" && target.part === "fn") {
    const call = analysis.check.calls.get(target.node);
    return call ? functionLocation(call) : undefined;
  }
  if (target.kind === "callee" && target.part === "alias") {
    const alias = target.node.call?.callee.alias?.text;
    const use = analysis.check.uses.find((u) => u.statement.alias?.text === alias);
    return use ? { uri: analysis.uri, range: toRange(use.statement.pathRange) } : undefined;
  }
  if (target.kind === "use-path") {
    const use = analysis.check.uses.find((u) => u.statement === target.statement);
    return use ? moduleLocation(use) : undefined;
  }
  return undefined;
}

function subgraphLocation(use: GraphUseInfo, range: TextRange): Location {
  return { uri: pathToFileURL(use.file).href, range: toRange(range) };
}

function functionLocation(call: ResolvedCall): Location {
  const { file, line, character } = call.member.location;
  const position = { line, character };
  return { uri: pathToFileURL(file).href, range: { start: position, end: position } };
}

function moduleLocation(use: UseInfo): Location | undefined {
  if (!use.lookup?.ok) return undefined;
  const start = { line: 0, character: 0 };
  return { uri: pathToFileURL(use.lookup.module.file).href, range: { start, end: start } };
}
