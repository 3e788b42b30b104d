// Find references and rename, for inputs, nodes and loops (every declaration and reference,
// in arguments, named arguments' values, `when` conditions, outputs and loops) and for the
// aliases of `use` and `use graph` lines (the alias and every call made through it). A
// rename to a keyword, a name that is not an identifier, or a name already taken is refused
// with a message saying why.
import { LSPErrorCodes, ResponseError, type Location, type Range, type TextEdit, type WorkspaceEdit } from "vscode-languageserver";
import type { Name } from "../graph/ast";
import { isKeyword } from "../graph/lexer";
import { aliasOf, type AliasInfo } from "./aliases";
import type { Analysis } from "./analysis";
import { symbolOf, targetAt, toRange } from "./positions";

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const NOTHING_TO_RENAME = "only an input, node, loop or alias name can be renamed here";

/** What a rename or a search for references at `offset` is about, and where it is written (declaration first). */
function renameable(analysis: Analysis, offset: number): { names: Name[]; at?: Name; check: (newName: string) => string | undefined } | undefined {
  const target = targetAt(analysis, offset);
  const symbol = symbolOf(target);
  if (symbol) {
    return {
      names: analysis.occurrences(symbol),
      at: target && "name" in target ? target.name : undefined,
      check: (newName) => invalidName(symbol.name.text, newName) ?? takenSymbol(analysis, symbol.name.text, newName),
    };
  }
  const alias = aliasOf(analysis, target);
  if (alias === undefined) return undefined;
  const names = [alias.declaration, ...alias.calls];
  return {
    names,
    at: names.find((name) => name.range.startOffset <= offset && offset <= name.range.endOffset),
    check: (newName) => invalidName(alias.declaration.text, newName) ?? takenAlias(analysis, alias, newName),
  };
}

export function references(analysis: Analysis, offset: number, includeDeclaration: boolean): Location[] {
  const found = renameable(analysis, offset);
  if (found === undefined) return [];
  return (includeDeclaration ? found.names : found.names.slice(1)).map((name) => ({ uri: analysis.uri, range: toRange(name.range) }));
}

/** The range to rename and its text, or an error saying why nothing here can be renamed. */
export function prepareRename(analysis: Analysis, offset: number): { range: Range; placeholder: string } {
  const found = renameable(analysis, offset);
  if (found?.at === undefined) throw renameError(NOTHING_TO_RENAME);
  return { range: toRange(found.at.range), placeholder: found.names[0].text };
}

export function rename(analysis: Analysis, offset: number, newName: string): WorkspaceEdit {
  const found = renameable(analysis, offset);
  if (found === undefined) throw renameError(NOTHING_TO_RENAME);
  if (newName !== found.names[0].text) {
    const problem = found.check(newName);
    if (problem) throw renameError(problem);
  }
  const edits: TextEdit[] = found.names.map((name) => ({ range: toRange(name.range), newText: newName }));
  return { changes: { [analysis.uri]: edits } };
}

function invalidName(oldName: string, newName: string): string | undefined {
  if (newName === oldName) return undefined;
  if (!IDENTIFIER.test(newName)) return `'${newName}' is not a valid name: a name is a letter or '_' followed by letters, digits or '_'`;
  if (isKeyword(newName)) return `'${newName}' is a keyword and cannot be used as a name`;
  return undefined;
}

function takenSymbol(analysis: Analysis, oldName: string, newName: string): string | undefined {
  const existing = analysis.check.symbols.get(newName);
  if (existing && newName !== oldName) {
    return `'${newName}' is already declared as ${existing.kind === "input" ? "an input" : `a ${existing.kind}`} on line ${existing.name.range.start.line + 1}`;
  }
  return undefined;
}

/** Aliases of modules and graphs share one namespace; a graph's alias is called like a function, so it must not be one. */
function takenAlias(analysis: Analysis, alias: AliasInfo, newName: string): string | undefined {
  const other = analysis.statements.find((s) => (s.kind === "use" || s.kind === "useGraph") && s !== alias.statement && s.alias?.text === newName);
  if (other) return `alias '${newName}' is already used on line ${other.keywordRange.start.line + 1}`;
  if (alias.statement.kind !== "useGraph") return undefined;
  const exporting = analysis.check.uses.find((u) => u.statement.alias === undefined && u.lookup?.ok && u.lookup.module.exports.has(newName));
  return exporting ? `'${newName}' is a function of '${exporting.statement.path}', called without an alias; a graph's alias must not be one` : undefined;
}

/** RequestFailed: the client shows the message to the user as is. */
function renameError(message: string): ResponseError<void> {
  return new ResponseError(LSPErrorCodes.RequestFailed, message);
}
