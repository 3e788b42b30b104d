// The outline: the graph, its modules and used graphs, inputs, nodes (with their call as detail) and
// loops (with their members as children).
import { SymbolKind, type DocumentSymbol } from "vscode-languageserver";
import type { Statement } from "../graph/ast";
import type { Analysis } from "./analysis";
import { toRange } from "./positions";

export function documentSymbols(analysis: Analysis): DocumentSymbol[] {
  return analysis.statements.flatMap((statement) => {
    const symbol = symbolOf(statement);
    return symbol ? [symbol] : [];
  });
}

function symbolOf(statement: Statement): DocumentSymbol | undefined {
  const range = toRange(statement.range);
  switch (statement.kind) {
    case "graph":
      return { name: statement.name.text, detail: "graph", kind: SymbolKind.Namespace, range, selectionRange: toRange(statement.name.range) };
    case "use":
      return {
        name: statement.alias?.text ?? statement.path,
        detail: statement.alias ? `use "${statement.path}"` : "use",
        kind: SymbolKind.Module,
        range,
        selectionRange: toRange(statement.alias?.range ?? statement.pathRange),
      };
    case "useGraph":
      return {
        name: statement.alias?.text ?? statement.path,
        detail: `use graph "${statement.path}"`,
        kind: SymbolKind.Module,
        range,
        selectionRange: toRange(statement.alias?.range ?? statement.pathRange),
      };
    case "input":
      return { name: statement.name.text, detail: "input", kind: SymbolKind.Variable, range, selectionRange: toRange(statement.name.range) };
    case "node": {
      const callee = statement.call?.callee;
      const detail = callee ? (callee.alias ? `${callee.alias.text}.${callee.fn.text}` : callee.fn.text) : "node";
      return { name: statement.name.text, detail, kind: SymbolKind.Function, range, selectionRange: toRange(statement.name.range) };
    }
    case "loop":
      return {
        name: statement.name.text,
        detail: "loop",
        kind: SymbolKind.Class,
        range,
        selectionRange: toRange(statement.name.range),
        children: statement.members.map((member) => ({
          name: member.text,
          kind: SymbolKind.Function,
          range: toRange(member.range),
          selectionRange: toRange(member.range),
        })),
      };
    case "output":
      return undefined;
  }
}
