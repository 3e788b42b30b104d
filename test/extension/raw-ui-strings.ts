// Finds text shown to the user that does not go through vscode.l10n.t: a string or template
// literal handed straight to a message, an input box or a quick pick. Walks the TypeScript
// syntax tree (not the text), so comments, line breaks and nesting never hide a call.
import ts from "typescript";

/** The `vscode.window` functions whose text arguments are shown to the user. */
const SHOWING_CALLS = new Set(["showInformationMessage", "showWarningMessage", "showErrorMessage", "showInputBox", "showQuickPick"]);

/**
 * The properties of their option and item objects that are shown: MessageOptions.detail,
 * MessageItem.title, InputBoxOptions.title/prompt/placeHolder, QuickPickItem.label/
 * description/detail, QuickPickOptions.title/placeHolder. Not `value` (the input box's
 * text to edit, e.g. "{}").
 */
const SHOWN_PROPERTIES = new Set(["title", "prompt", "placeHolder", "detail", "label", "description"]);

export interface RawUiString {
  file: string;
  /** 1-based. */
  line: number;
  call: string;
  text: string;
}

export function rawUiStrings(file: string, source: string): RawUiString[] {
  const sourceFile = ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const found: RawUiString[] = [];
  const report = (call: string, node: ts.Node) =>
    found.push({ file, line: sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile)).line + 1, call, text: node.getText(sourceFile) });

  const checkShown = (call: string, expression: ts.Expression): void => {
    if (isRawText(expression)) report(call, expression);
    else if (ts.isArrayLiteralExpression(expression)) for (const element of expression.elements) checkShown(call, element);
    else if (ts.isObjectLiteralExpression(expression)) {
      for (const property of expression.properties) {
        if (ts.isPropertyAssignment(property) && SHOWN_PROPERTIES.has(propertyName(property.name))) checkShown(call, property.initializer);
      }
    }
  };

  const visit = (node: ts.Node): void => {
    const call = ts.isCallExpression(node) ? showingCall(node) : undefined;
    if (call !== undefined && ts.isCallExpression(node)) for (const argument of node.arguments) checkShown(call, argument);
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

/** `showErrorMessage` for `vscode.window.showErrorMessage(...)` or `window.showErrorMessage(...)`. */
function showingCall(node: ts.CallExpression): string | undefined {
  const callee = node.expression;
  if (!ts.isPropertyAccessExpression(callee) || !SHOWING_CALLS.has(callee.name.text)) return undefined;
  const target = callee.expression;
  const isWindow = (ts.isIdentifier(target) && target.text === "window") || (ts.isPropertyAccessExpression(target) && target.name.text === "window");
  return isWindow ? callee.name.text : undefined;
}

/** Text written in the source: a literal, a template, or one joined to or chosen among others. */
function isRawText(expression: ts.Expression): boolean {
  if (ts.isStringLiteral(expression) || ts.isNoSubstitutionTemplateLiteral(expression) || ts.isTemplateExpression(expression)) return true;
  if (ts.isParenthesizedExpression(expression) || ts.isAsExpression(expression) || ts.isSatisfiesExpression(expression)) return isRawText(expression.expression);
  if (ts.isBinaryExpression(expression)) {
    const joins = [ts.SyntaxKind.PlusToken, ts.SyntaxKind.BarBarToken, ts.SyntaxKind.QuestionQuestionToken].includes(expression.operatorToken.kind);
    return joins && (isRawText(expression.left) || isRawText(expression.right));
  }
  if (ts.isConditionalExpression(expression)) return isRawText(expression.whenTrue) || isRawText(expression.whenFalse);
  return false;
}

function propertyName(name: ts.PropertyName): string {
  return ts.isIdentifier(name) || ts.isStringLiteral(name) ? name.text : "";
}
