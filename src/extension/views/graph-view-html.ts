// The graph view's page: a root for src/webview/main.ts to build in, the localized words it
// shows, elkjs's bundle and the view's script, under a Content Security Policy that lets in
// only those two scripts (by nonce) and the view's style sheet (from the webview's own
// resources). Pure, so that the policy is unit-tested.
import { randomBytes } from "node:crypto";
import type { ViewStrings } from "../../webview/view-strings";

export interface GraphViewPage {
  /** The webview's `cspSource`: where its own resources come from. */
  cspSource: string;
  nonce: string;
  /** In load order: elk.bundled.js first (it defines the global the view uses), then webview.js. */
  scripts: string[];
  style: string;
  strings: ViewStrings;
  /** The page's language, e.g. "en" (vscode.env.language). */
  language: string;
  title: string;
}

export function newNonce(): string {
  return randomBytes(18).toString("base64");
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [`default-src 'none'`, `style-src ${cspSource}`, `script-src 'nonce-${nonce}'`].join("; ");
}

export function graphViewHtml(page: GraphViewPage): string {
  return [
    "<!DOCTYPE html>",
    `<html lang="${escapeHtml(page.language)}">`,
    "<head>",
    `<meta charset="UTF-8">`,
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(page.cspSource, page.nonce))}">`,
    `<meta name="viewport" content="width=device-width, initial-scale=1.0">`,
    `<link rel="stylesheet" href="${escapeHtml(page.style)}">`,
    `<title>${escapeHtml(page.title)}</title>`,
    "</head>",
    "<body>",
    `<div id="sg-root"></div>`,
    // Data, not a script: the policy does not run it, and `<` is escaped so that no text in it ends the element.
    `<script id="sg-strings" type="application/json">${JSON.stringify(page.strings).replace(/</g, "\\u003c")}</script>`,
    ...page.scripts.map((src) => `<script nonce="${escapeHtml(page.nonce)}" src="${escapeHtml(src)}"></script>`),
    "</body>",
    "</html>",
  ].join("\n");
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
