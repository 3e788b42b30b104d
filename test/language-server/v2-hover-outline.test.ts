// Hover on subgraph calls, `use graph` lines and named arguments; the outline with `use
// graph`; folding and formatting of v2 syntax.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  DocumentFormattingRequest,
  DocumentSymbolRequest,
  FoldingRangeRequest,
  HoverRequest,
  SymbolKind,
  type DocumentSymbol,
  type FoldingRange,
  type Hover,
  type MarkupContent,
  type Position,
  type TextEdit,
} from "vscode-languageserver-protocol";
import { positionOf, SHOP_GRAPH, subgraphWorkspace } from "./fixtures";
import { startLspClient, type LspClient } from "./lsp-client";

let client: LspClient;
let dir: string;
let uri: string;
const text = SHOP_GRAPH;
before(async () => {
  client = await startLspClient();
  dir = subgraphWorkspace();
  uri = await client.open(join(dir, "shop.graph"));
});
after(() => client.stop());

async function hoverAt(position: Position): Promise<string> {
  const result = (await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position })) as Hover | null;
  return result ? (result.contents as MarkupContent).value : "";
}

describe("hover in v2 syntax", () => {
  test("on a subgraph call: the graph, its inputs with defaults, its outputs", async () => {
    const value = await hoverAt(positionOf(text, "geo(address", 0, 1));
    assert.match(value, /graph `geo`/);
    assert.match(value, /\.\/geo\.graph/);
    assert.match(value, /inputs: `address`, `country = "DE"`/);
    assert.match(value, /outputs: `normalized`, `region`/);
  });

  test("on a use graph line (its path or alias): the same description", async () => {
    for (const position of [positionOf(text, '"./geo.graph"', 0, 3), positionOf(text, "as geo", 0, 4), positionOf(text, "use graph", 0, 5)]) {
      const value = await hoverAt(position);
      assert.match(value, /graph `geo`/, JSON.stringify(position));
      assert.match(value, /outputs: `normalized`, `region`/);
    }
  });

  test("on a named argument: the subgraph's input", async () => {
    const value = await hoverAt(positionOf(text, "country: ", 0, 2));
    assert.match(value, /input country = "DE"/);
    assert.match(value, /of graph `geo`/);
  });

  test("on a name in a condition: what the name is", async () => {
    const value = await hoverAt(positionOf(text, "order.flagged", 0, 1));
    assert.match(value, /input order/);
  });
});

describe("outline, folding and formatting of v2 syntax", () => {
  test("the outline lists use graph statements as modules", async () => {
    const symbols = (await client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } })) as DocumentSymbol[];
    const geo = symbols.find((s) => s.name === "geo");
    assert.ok(geo, symbols.map((s) => s.name).join());
    assert.equal(geo.kind, SymbolKind.Module);
    assert.equal(geo.detail, 'use graph "./geo.graph"');
    assert.deepEqual(geo.selectionRange.start, positionOf(text, "as geo", 0, 3));
    assert.equal(symbols.find((s) => s.name === "place")?.detail, "geo");
  });

  test("a call and a condition over several lines fold", async () => {
    const source = [
      "graph g",
      'use "./nodes/shop.ts"',
      'use graph "./geo.graph" as geo',
      "input order",
      "node place = geo(address: order.address,",
      '  country: "FR")',
      "node refund = issueRefund(order) when (order.total > 100",
      "  and not order.flagged)",
      "",
    ].join("\n");
    const at = await client.open(join(dir, "folding.graph"), source);
    const ranges = (await client.connection.sendRequest(FoldingRangeRequest.type, { textDocument: { uri: at } })) as FoldingRange[];
    assert.deepEqual(
      ranges.map((r) => `${r.startLine}-${r.endLine}`),
      ["4-5", "6-7"],
    );
  });

  test("formatting spaces and aligns v2 statements", async () => {
    const source = [
      "graph g",
      'use "./nodes/shop.ts"',
      'use graph   "./geo.graph"   as geo',
      "input order",
      "node place = geo(address:order.address,country:\"FR\")",
      "node refund = issueRefund(map order.items)when(order.total>100)and not order.flagged [retry:2]",
      "node notice = sendNotice(order,refund ?)",
      "",
    ].join("\n");
    const at = await client.open(join(dir, "format.graph"), source);
    const edits = (await client.connection.sendRequest(DocumentFormattingRequest.type, { textDocument: { uri: at }, options: { tabSize: 2, insertSpaces: true } })) as TextEdit[];
    assert.equal(edits.length, 1);
    const lines = edits[0].newText.split("\n");
    assert.equal(lines[2], 'use graph "./geo.graph" as geo');
    assert.equal(lines[4], 'node place  = geo(address: order.address, country: "FR")');
    assert.match(lines[5], /^node refund = issueRefund\(map order\.items\) +when \(order\.total > 100\) and not order\.flagged +\[retry: 2\]$/);
    assert.equal(lines[6], "node notice = sendNotice(order, refund?)");
  });
});
