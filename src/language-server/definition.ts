// Go to definition: a name to its declaration, a called function into its TypeScript
// source, an alias to its `use`, and a `use` path to the module file.
import { pathToFileURL } from "node:url";
import type { Location } from "vscode-languageserver";
import type { ResolvedCall, UseInfo } from "../graph/checker";
import type { Analysis } from "./analysis";
import { symbolOf, targetAt, toRange } from "./positions";

export function definition(analysis: Analysis, offset: number): Location | undefined {
  const target = targetAt(analysis, offset);
  if (target === undefined) return undefined;
  const symbol = symbolOf(target);
  if (symbol) return { uri: analysis.uri, range: toRange(symbol.name.range) };
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
