// stepgraph/pinEdit over a real LSP client: the edit that Pin Output and Unpin apply to a
// node's line. Each edited text is sent back to the server, which must report no
// diagnostics, and a formatted file stays formatted.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, describe, test } from "node:test";
import { ResponseError, type TextEdit } from "vscode-languageserver-protocol";
import { TextDocument } from "vscode-languageserver-textdocument";
import { formatGraph } from "../../src/graph/formatter";
import { startLspClient, type LspClient } from "./lsp-client";

const GRAPH = `graph shop

use "./nodes/shop.ts"

input currency = "EUR"

node rates = load(currency)
node quote = price(rates)  [retry: 2]
node held  = price(rates)  [pin: "./pins/held.json"]
node mixed = price(rates)  [pin: "./pins/mixed.json", timeout: 5s]
node tail  = price(quote)  [retry: 2, pin: "./pins/tail.json", timeout: 5s]
node empty = price(quote)  []

output quote, held, mixed, tail, empty
`;

const MODULE = `export function load(currency: string): string {
  return currency;
}
export function price(value: unknown): unknown {
  return value;
}
`;

interface PinEditResult {
  edits: TextEdit[];
  removedPins: string[];
}

let client: LspClient;
let dir: string;
let uri: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "stepgraph-lsp-pin-"));
  mkdirSync(join(dir, "nodes"));
  writeFileSync(join(dir, "nodes", "shop.ts"), MODULE);
  writeFileSync(join(dir, "shop.graph"), GRAPH);
  client = await startLspClient();
  uri = await client.open(join(dir, "shop.graph"));
  assert.deepEqual(await client.diagnostics(uri), [], "the fixture checks clean");
});
after(() => client.stop());

function pinEdit(node: string, pin: string | null, at = uri): Promise<PinEditResult> {
  return client.connection.sendRequest("stepgraph/pinEdit", { uri: at, node, pin });
}

function applied(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create(uri, "stepgraph", 1, text), edits);
}

/** Pins or unpins, checks the result with the server (no diagnostics), puts the document back; resolves to the edited text and the result. */
async function edited(node: string, pin: string | null, base = GRAPH): Promise<{ text: string; result: PinEditResult }> {
  const result = await pinEdit(node, pin);
  assert.ok(result.edits.length <= 1, "one edit at most");
  const text = applied(base, result.edits);
  client.change(uri, text);
  assert.deepEqual(await client.diagnostics(uri), [], `the edited text checks clean:\n${text}`);
  client.change(uri, base);
  await client.diagnostics(uri);
  return { text, result };
}

function assertFormatted(text: string): void {
  const formatted = formatGraph(text);
  assert.ok(formatted.ok && formatted.text === text, `stays formatted:\n${text}`);
}

describe("stepgraph/pinEdit", () => {
  test("a node without options gets [pin: ...]; the block's options are aligned again", async () => {
    const { text, result } = await edited("rates", "./pins/shop/rates.json");
    assert.deepEqual(result.removedPins, []);
    assert.equal(
      text,
      GRAPH.replace(
        `node rates = load(currency)
node quote = price(rates)  [retry: 2]
node held  = price(rates)  [pin: "./pins/held.json"]
node mixed = price(rates)  [pin: "./pins/mixed.json", timeout: 5s]
node tail  = price(quote)  [retry: 2, pin: "./pins/tail.json", timeout: 5s]
node empty = price(quote)  []`,
        `node rates = load(currency)  [pin: "./pins/shop/rates.json"]
node quote = price(rates)    [retry: 2]
node held  = price(rates)    [pin: "./pins/held.json"]
node mixed = price(rates)    [pin: "./pins/mixed.json", timeout: 5s]
node tail  = price(quote)    [retry: 2, pin: "./pins/tail.json", timeout: 5s]
node empty = price(quote)    []`,
      ),
    );
    assertFormatted(text);
  });

  test("a node with other options gets pin: after them", async () => {
    const { text } = await edited("quote", "./pins/shop/quote.json");
    assert.equal(text, GRAPH.replace("[retry: 2]", '[retry: 2, pin: "./pins/shop/quote.json"]'));
    assertFormatted(text);
  });

  test("empty brackets get the option inside", async () => {
    const { text } = await edited("empty", "./pins/shop/empty.json");
    assert.equal(text, GRAPH.replace("price(quote)  []", 'price(quote)  [pin: "./pins/shop/empty.json"]'));
  });

  test("a pinned node's path is replaced; the old path is reported as taken out", async () => {
    const { text, result } = await edited("held", "./pins/shop/held.json");
    assert.equal(text, GRAPH.replace('[pin: "./pins/held.json"]', '[pin: "./pins/shop/held.json"]'));
    assert.deepEqual(result.removedPins, ["./pins/held.json"]);
    const same = await pinEdit("held", "./pins/held.json");
    assert.deepEqual(same, { edits: [], removedPins: [] }, "pinning to the path it has changes nothing");
  });

  test("unpinning the only option removes the brackets", async () => {
    const { text, result } = await edited("held", null);
    assert.equal(text, GRAPH.replace('node held  = price(rates)  [pin: "./pins/held.json"]', "node held  = price(rates)"));
    assert.deepEqual(result.removedPins, ["./pins/held.json"]);
    assertFormatted(text);
  });

  test("unpinning among other options removes the option and one comma, first or in the middle", async () => {
    const first = await edited("mixed", null);
    assert.equal(first.text, GRAPH.replace('[pin: "./pins/mixed.json", timeout: 5s]', "[timeout: 5s]"));
    assert.deepEqual(first.result.removedPins, ["./pins/mixed.json"]);
    assertFormatted(first.text);
    const middle = await edited("tail", null);
    assert.equal(middle.text, GRAPH.replace('[retry: 2, pin: "./pins/tail.json", timeout: 5s]', "[retry: 2, timeout: 5s]"));
    assertFormatted(middle.text);
    assert.deepEqual(await pinEdit("quote", null), { edits: [], removedPins: [] }, "a node without a pin: nothing to do");
  });

  test("a file that is not formatted is edited on the node's line only", async () => {
    const loose = GRAPH.replace("node quote = price(rates)  [retry: 2]", "node quote=price( rates )   [ retry : 2 ]");
    client.change(uri, loose);
    await client.diagnostics(uri);
    const pinned = await edited("quote", "./q.json", loose);
    assert.equal(pinned.text, loose.replace("[ retry : 2 ]", '[ retry : 2, pin: "./q.json" ]'));
    const bare = await edited("rates", "./r.json", loose);
    assert.equal(bare.text, loose.replace("node rates = load(currency)", 'node rates = load(currency) [pin: "./r.json"]'));
    client.change(uri, GRAPH);
    await client.diagnostics(uri);
  });

  test("a graph file not open in the editor is read from disk", async () => {
    const closed = join(dir, "closed.graph");
    writeFileSync(closed, 'graph closed\n\nuse "./nodes/shop.ts"\n\nnode only = load("EUR")\n');
    const result = await pinEdit("only", "./pins/closed/only.json", pathToFileURL(closed).href);
    assert.deepEqual(result.edits, [{ range: { start: { line: 4, character: 23 }, end: { line: 4, character: 23 } }, newText: '  [pin: "./pins/closed/only.json"]' }], "formatted, so two spaces before the options");
  });

  test("an unknown node, a missing file or bad parameters: one error response saying what", async () => {
    await assert.rejects(pinEdit("nope", null), (e: unknown) => e instanceof ResponseError && e.message === "there is no node 'nope' in this file");
    await assert.rejects(pinEdit("rates", null, pathToFileURL(join(dir, "missing.graph")).href), (e: unknown) => e instanceof ResponseError && /missing\.graph/.test(e.message));
    await assert.rejects(
      client.connection.sendRequest("stepgraph/pinEdit", { uri, node: "rates", pin: 3 }),
      (e: unknown) => e instanceof ResponseError && /takes \{ uri: string, node: string, pin: string \(not empty\) \| null \}/.test(e.message),
    );
  });
});
