// The graph view's page: its Content Security Policy lets in only the view's two scripts (by
// nonce) and its style sheet; the localized words ride along as data no text can break out of.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { contentSecurityPolicy, graphViewHtml, newNonce } from "../../../src/extension/views/graph-view-html";
import type { ViewStrings } from "../../../src/webview/view-strings";
import { STRINGS } from "../../webview/strings";

const CSP_SOURCE = "https://file+.vscode-resource.vscode-cdn.net";
const page = (strings: ViewStrings = STRINGS) =>
  graphViewHtml({
    cspSource: CSP_SOURCE,
    nonce: "n0nce",
    scripts: [`${CSP_SOURCE}/ext/dist/elk.bundled.js`, `${CSP_SOURCE}/ext/dist/webview.js`],
    style: `${CSP_SOURCE}/ext/media/graph-view.css`,
    strings,
    language: "en",
    title: "Graph: orders.graph",
  });

describe("the graph view's page", () => {
  test("the policy: nothing by default, styles from the webview's resources, scripts by nonce only", () => {
    assert.equal(contentSecurityPolicy(CSP_SOURCE, "n0nce"), `default-src 'none'; style-src ${CSP_SOURCE}; script-src 'nonce-n0nce'`);
    const html = page();
    assert.ok(html.includes(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${CSP_SOURCE}; script-src 'nonce-n0nce'">`), html);
    assert.doesNotMatch(html, /unsafe-inline|unsafe-eval/);
  });

  test("elkjs's bundle before the view's script, both with the nonce; no other script runs", () => {
    const scripts = [...page().matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
    assert.deepEqual(scripts, [
      ` id="sg-strings" type="application/json"`,
      ` nonce="n0nce" src="${CSP_SOURCE}/ext/dist/elk.bundled.js"`,
      ` nonce="n0nce" src="${CSP_SOURCE}/ext/dist/webview.js"`,
    ]);
  });

  test("the words are JSON the page reads back, even with a '</script>' in them", () => {
    const tricky = { ...STRINGS, finished: "</script><script>alert(1)</script>" };
    const html = page(tricky);
    const data = /<script id="sg-strings" type="application\/json">(.*?)<\/script>/s.exec(html)?.[1] ?? "";
    assert.doesNotMatch(data, /</);
    assert.deepEqual(JSON.parse(data), tricky);
  });

  test("a fresh nonce each time, long enough not to be guessed", () => {
    const nonces = new Set(Array.from({ length: 20 }, newNonce));
    assert.equal(nonces.size, 20);
    for (const nonce of nonces) assert.match(nonce, /^[A-Za-z0-9+/]{24}$/);
  });
});
