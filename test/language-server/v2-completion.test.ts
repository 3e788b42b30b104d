// Completion for language v2: a subgraph's inputs in its call (with their defaults, not
// those already given), `map` in an argument position, `when` after the call, and names,
// keywords and property paths inside a `when` condition.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { CompletionRequest, type CompletionItem, type CompletionList } from "vscode-languageserver-protocol";
import { endOf, SHOP_GRAPH, subgraphWorkspace } from "./fixtures";
import { startLspClient, type LspClient } from "./lsp-client";

let client: LspClient;
let dir: string;
let opened = 0;
before(async () => {
  client = await startLspClient();
  dir = subgraphWorkspace();
});
after(() => client.stop());

/** Completion at the end of shop.graph's text followed by `typed`, in a file of its own next to geo.graph. */
async function completeAfter(typed: string): Promise<CompletionItem[]> {
  const text = `${SHOP_GRAPH}${typed}`;
  const uri = await client.open(join(dir, `typing-${opened++}.graph`), text);
  const result = (await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: endOf(text) })) as CompletionItem[] | CompletionList | null;
  return Array.isArray(result) ? result : (result?.items ?? []);
}

const labels = (items: readonly CompletionItem[]) => items.map((i) => i.label).sort();

describe("completion in v2 syntax", () => {
  test("a subgraph call offers its input names, with their defaults, after '(' and ','", async () => {
    const items = await completeAfter("node other = geo(");
    assert.deepEqual(labels(items), ["address", "country"]);
    const country = items.find((i) => i.label === "country");
    assert.match(country?.detail ?? "", /= "DE"/);
    assert.equal(country?.insertText, "country: ");
    assert.match(items.find((i) => i.label === "address")?.detail ?? "", /required/);
  });

  test("inputs already given are not offered again", async () => {
    assert.deepEqual(labels(await completeAfter("node other = geo(address: order.address, ")), ["country"]);
    assert.deepEqual(labels(await completeAfter("node other = geo(country: \"FR\", ")), ["address"]);
    assert.deepEqual(labels(await completeAfter("node other = geo(country: \"FR\", address: order.a, ")), []);
  });

  test("after a named argument's ':' come names and map", async () => {
    const names = labels(await completeAfter("node other = geo(address: "));
    for (const name of ["order", "customer", "place", "zone", "map"]) assert.ok(names.includes(name), `${name} in ${names.join()}`);
    assert.ok(!names.includes("other") && !names.includes("address"), names.join());
  });

  test("map is offered in a function call's argument position", async () => {
    const first = labels(await completeAfter("node other = zoneOf("));
    assert.ok(first.includes("map") && first.includes("place"), first.join());
    const second = labels(await completeAfter("node other = sendNotice(order, "));
    assert.ok(second.includes("map"), second.join());
    const typing = labels(await completeAfter("node other = zoneOf(ma"));
    assert.ok(typing.includes("map"), typing.join());
  });

  test("when is offered after the call, not inside it nor after when", async () => {
    assert.deepEqual(labels(await completeAfter("node other = zoneOf(place.region) ")), ["when"]);
    assert.deepEqual(labels(await completeAfter("node other = geo(address: order.address) wh")), ["when"]);
    assert.ok(!labels(await completeAfter("node other = zoneOf(place.region) [retry: 2] ")).includes("when"));
  });

  test("inside a condition: input and node names and not; and/or after an operand", async () => {
    const first = labels(await completeAfter("node other = zoneOf(place.region) when "));
    for (const name of ["order", "customer", "place", "refund", "not"]) assert.ok(first.includes(name), `${name} in ${first.join()}`);
    assert.ok(!first.includes("other") && !first.includes("map"), first.join());
    const afterAnd = labels(await completeAfter("node other = zoneOf(place.region) when order.total > 1 and "));
    assert.ok(afterAnd.includes("customer") && afterAnd.includes("not"), afterAnd.join());
    const afterOperand = labels(await completeAfter("node other = zoneOf(place.region) when order.flagged "));
    assert.deepEqual(afterOperand, ["and", "or"]);
    const inParentheses = labels(await completeAfter("node other = zoneOf(place.region) when (order.flagged or "));
    assert.ok(inParentheses.includes("refund"), inParentheses.join());
  });

  test("property paths after '.': subgraph outputs, an input default's fields, paths written elsewhere", async () => {
    assert.deepEqual(labels(await completeAfter("node other = zoneOf(place.region) when place.")), ["normalized", "region"]);
    assert.deepEqual(labels(await completeAfter("node other = zoneOf(place.")), ["normalized", "region"]);
    assert.deepEqual(labels(await completeAfter("node other = zoneOf(place.region) when customer.")), ["address", "tier"]);
    assert.deepEqual(labels(await completeAfter("node other = zoneOf(place.region) when order.")), ["flagged", "total"]);
    assert.deepEqual(labels(await completeAfter("node other = geo(address: order.")), ["flagged", "total"]);
    assert.deepEqual(labels(await completeAfter("node other = zoneOf(place.region) when order.total > 1 and order.fl")), ["flagged", "total"]);
  });

  test("option names after a condition; a literal array in a condition is not options", async () => {
    assert.deepEqual(labels(await completeAfter("node other = zoneOf(place.region) when order.flagged [")), ["backoff", "cache", "pin", "retry", "timeout"]);
    assert.deepEqual(labels(await completeAfter("node other = zoneOf(place.region) when order.tags == [")), []);
  });

  test("use graph: the keyword after use, .graph files and folders in its path, then as", async () => {
    assert.deepEqual(labels(await completeAfter("use ")), ["graph"]);
    const files = await completeAfter('use graph "./');
    assert.deepEqual(labels(files), ["geo.graph", "nodes", "shop.graph"], "graph files and folders; the open, unsaved typing-N.graph are not on disk");
    assert.equal((files.find((i) => i.label === "geo.graph")?.textEdit as { newText: string } | undefined)?.newText, "./geo.graph");
    assert.deepEqual(labels(await completeAfter('use graph "./geo.graph" ')), ["as"]);
  });

  test("after '=', the aliases of used graphs are offered with the functions", async () => {
    const items = await completeAfter("node other = ");
    const geo = items.find((i) => i.label === "geo");
    assert.equal(geo?.detail, 'use graph "./geo.graph"');
    assert.ok(labels(items).includes("zoneOf"));
  });
});
