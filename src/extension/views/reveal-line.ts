// A node clicked in the graph view: its line in the graph's editor, the cursor at the start
// of the statement, scrolled into view. The editor already showing the file is used, else
// one is opened in another column than the view's.
import * as vscode from "vscode";

export async function revealLine(file: vscode.Uri, line: number, viewColumn: vscode.ViewColumn | undefined): Promise<void> {
  const document = await vscode.workspace.openTextDocument(file);
  const shown = vscode.window.visibleTextEditors.find((editor) => editor.document.uri.toString() === file.toString());
  const column = shown?.viewColumn ?? (viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One);
  const editor = await vscode.window.showTextDocument(document, { viewColumn: column, preserveFocus: false });
  const target = document.lineAt(Math.min(line, document.lineCount - 1));
  const position = new vscode.Position(target.lineNumber, target.firstNonWhitespaceCharacterIndex);
  editor.selection = new vscode.Selection(position, position);
  editor.revealRange(target.range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}
