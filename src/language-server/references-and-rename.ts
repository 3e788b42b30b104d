// Find references and rename, for inputs, nodes and loops: every declaration and
// reference of the symbol under the cursor. A rename to a keyword, a name that is not an
// identifier, or a name already declared is refused with a message saying why.
import { LSPErrorCodes, ResponseError, type Location, type Range, type TextEdit, type WorkspaceEdit } from "vscode-languageserver";
import { isKeyword } from "../graph/lexer";
import type { Analysis } from "./analysis";
import { symbolOf, targetAt, toRange } from "./positions";

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function references(analysis: Analysis, offset: number, includeDeclaration: boolean): Location[] {
  const symbol = symbolOf(targetAt(analysis, offset));
  if (symbol === undefined) return [];
  const names = analysis.occurrences(symbol);
  return (includeDeclaration ? names : names.slice(1)).map((name) => ({ uri: analysis.uri, range: toRange(name.range) }));
}

/** The range to rename and its text, or an error saying why nothing here can be renamed. */
export function prepareRename(analysis: Analysis, offset: number): { range: Range; placeholder: string } {
  const target = targetAt(analysis, offset);
  const symbol = symbolOf(target);
  if (symbol === undefined || target === undefined || !("name" in target)) {
    throw renameError("only an input, node or loop name can be renamed here");
  }
  return { range: toRange(target.name.range), placeholder: symbol.name.text };
}

export function rename(analysis: Analysis, offset: number, newName: string): WorkspaceEdit {
  const symbol = symbolOf(targetAt(analysis, offset));
  if (symbol === undefined) throw renameError("only an input, node or loop name can be renamed");
  const problem = invalidNewName(analysis, symbol.name.text, newName);
  if (problem) throw renameError(problem);
  const edits: TextEdit[] = analysis.occurrences(symbol).map((name) => ({ range: toRange(name.range), newText: newName }));
  return { changes: { [analysis.uri]: edits } };
}

function invalidNewName(analysis: Analysis, oldName: string, newName: string): string | undefined {
  if (newName === oldName) return undefined;
  if (!IDENTIFIER.test(newName)) return `'${newName}' is not a valid name: a name is a letter or '_' followed by letters, digits or '_'`;
  if (isKeyword(newName)) return `'${newName}' is a keyword and cannot be used as a name`;
  const existing = analysis.check.symbols.get(newName);
  if (existing) return `'${newName}' is already declared as ${existing.kind === "input" ? "an input" : `a ${existing.kind}`} on line ${existing.name.range.start.line + 1}`;
  return undefined;
}

/** RequestFailed: the client shows the message to the user as is. */
function renameError(message: string): ResponseError<void> {
  return new ResponseError(LSPErrorCodes.RequestFailed, message);
}
