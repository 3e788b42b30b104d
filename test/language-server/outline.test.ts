// Document symbols (the outline) and folding ranges.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { DocumentSymbolRequest, FoldingRangeKind, FoldingRangeRequest, SymbolKind, type DocumentSymbol, type FoldingRange } from "vscode-languageserver-protocol";
import { repoRoot } from "../helpers";
import { positionOf } from "./fixtures";
import { startLspClient, type LspClient } from "./lsp-client";

const path = join(repoRoot, "examples", "orders", "orders.graph");
const text = readFileSync(path, "utf8");
let client: LspClient;
let uri: string;
before(async () => {
  client = await startLspClient();
  uri = await client.open(path);
});
after(() => client.stop());

describe("outline and folding", () => {
  test("document symbols: graph, modules, inputs, nodes with their call, loops with their members", async () => {
    const symbols = (await client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } })) as DocumentSymbol[];
    const byName = new Map(symbols.map((s) => [s.name, s]));
    assert.equal(byName.get("orders")?.kind, SymbolKind.Namespace);
    assert.equal(byName.get("pricing")?.kind, SymbolKind.Module);
    assert.equal(byName.get("currency")?.kind, SymbolKind.Variable);
    assert.equal(byName.get("rates")?.detail, "pricing.loadRates");
    assert.equal(byName.get("customer")?.detail, "findCustomer");
    assert.deepEqual(byName.get("fulfilment")?.children?.map((c) => c.name), ["stock", "parcel", "accepted", "reservation"]);
    assert.deepEqual(byName.get("rates")?.selectionRange.start, positionOf(text, "node rates ", 0, 5));
    assert.equal(symbols.filter((s) => s.kind === SymbolKind.Function).length, 10);
  });

  test("folding: multi-line statements, loop bodies and runs of comment lines", async () => {
    const multiLine = ["graph g", "input a", "node b = f(", "  a,", "  1,", ")", "loop l {", "  b", "}", "// one", "// two", "// three", "node c = f(a)  // alone"].join("\n");
    const at = await client.open(join(repoRoot, "examples", "orders", "folding.graph"), multiLine);
    const ranges = (await client.connection.sendRequest(FoldingRangeRequest.type, { textDocument: { uri: at } })) as FoldingRange[];
    const shown = ranges.map((r) => `${r.startLine}-${r.endLine}${r.kind === FoldingRangeKind.Comment ? " comment" : ""}`);
    assert.deepEqual(shown, ["2-5", "6-8", "9-11 comment"]);
    const example = (await client.connection.sendRequest(FoldingRangeRequest.type, { textDocument: { uri } })) as FoldingRange[];
    assert.deepEqual(example[0], { startLine: 0, endLine: 11, kind: FoldingRangeKind.Comment }, "the header comment folds");
  });
});
