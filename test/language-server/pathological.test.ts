// The language server with documents no one writes by hand: megabytes of junk and nesting
// deep enough to overflow a recursive parser. It keeps answering, and every feature works
// on what it could parse.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  DocumentFormattingRequest,
  DocumentSymbolRequest,
  FoldingRangeRequest,
  HoverRequest,
  CodeActionRequest,
  CompletionRequest,
  type Hover,
} from "vscode-languageserver-protocol";
import { repoRoot } from "../helpers";
import { positionOf } from "./fixtures";
import { startLspClient, type LspClient } from "./lsp-client";

/** How long a request about a small file may wait while a huge one is being checked. */
const ANSWER_BOUND_MS = 3000;

let client: LspClient;
before(async () => {
  client = await startLspClient();
});
after(() => client.stop());

/** About 6 MB of lines that each break several rules, unclosed brackets included. */
function junk(): string {
  const lines: string[] = ["graph junk"];
  let size = 0;
  for (let i = 0; size < 6_000_000; i++) {
    const line = i % 3 === 0 ? `node n${i} = f(@@ [ {"a": ~ ` : i % 3 === 1 ? `input x = ] } ) ^^ $ ${i}` : `@ @ @ @ # ( [ {`;
    lines.push(line);
    size += line.length + 1;
  }
  return lines.join("\n");
}

describe("pathological documents", () => {
  test("a 6 MB junk file does not keep the server from answering about another file", async () => {
    const small = join(repoRoot, "examples", "orders", "orders.graph");
    const smallUri = await client.open(small);
    await client.diagnostics(smallUri);

    const hugeUri = await client.open(join(repoRoot, "examples", "orders", "junk.graph"), junk());
    const asked = performance.now();
    const hover = (await client.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri: smallUri },
      position: positionOf(readFileSync(small, "utf8"), "node rates ", 0, 5),
    })) as Hover | null;
    const waited = performance.now() - asked;
    assert.ok(hover !== null, "the hover on the small file has content");
    assert.ok(waited < ANSWER_BOUND_MS, `the hover waited ${Math.round(waited)} ms`);

    const diagnostics = await client.diagnostics(hugeUri);
    assert.equal(diagnostics.length, 501);
    assert.equal(diagnostics[500].code, "SG005");
    assert.match(String(diagnostics[500].message), /^\d+ more problems not shown/);
    const completions = await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri: hugeUri }, position: { line: 1, character: 0 } });
    assert.ok(completions !== null);
  });

  test("a literal nested 100,000 deep: one nesting error, and every feature still answers", async () => {
    const text = `graph deep\ninput a = ${"[".repeat(100_000)}\ninput b = 1\nnode c = f(b)\n`;
    const uri = await client.open(join(repoRoot, "examples", "orders", "deep.graph"), text);
    const diagnostics = await client.diagnostics(uri);
    assert.deepEqual(
      diagnostics.filter((d) => d.code === "SG004").map((d) => d.range),
      [{ start: { line: 1, character: 110 }, end: { line: 1, character: 111 } }],
    );
    const symbols = (await client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } })) as { name: string }[];
    assert.deepEqual(
      symbols.map((s) => s.name),
      ["deep", "b", "c"],
    );
    assert.ok(Array.isArray(await client.connection.sendRequest(FoldingRangeRequest.type, { textDocument: { uri } })));
    const edits = await client.connection.sendRequest(DocumentFormattingRequest.type, { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
    assert.deepEqual(edits, []);
    await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 1, character: 50 } });
    const completions = await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: 1, character: 100_010 } });
    assert.ok(completions !== null);
    const range = { start: { line: 1, character: 0 }, end: { line: 1, character: 100_010 } };
    const actions = await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range, context: { diagnostics } });
    assert.ok(Array.isArray(actions));
  });
});
