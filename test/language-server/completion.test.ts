// Completion: keywords, options and their values, names in arguments, exported functions
// (bare and after an alias), and module paths in `use`.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { CompletionRequest, type CompletionItem, type CompletionList, type Position } from "vscode-languageserver-protocol";
import { copyExample, endOf } from "./fixtures";
import { startLspClient, type LspClient } from "./lsp-client";

let client: LspClient;
let dir: string;
let base: string;
before(async () => {
  client = await startLspClient();
  dir = copyExample("orders");
  base = readFileSync(join(dir, "orders.graph"), "utf8");
});
after(() => client.stop());

/** Completion at the end of `base` followed by `typed`. */
async function completeAfter(typed: string, file = "orders.graph"): Promise<CompletionItem[]> {
  const text = `${base}\n${typed}`;
  const path = join(dir, file);
  const uri = await client.open(path, text);
  return complete(uri, endOf(text));
}

async function complete(uri: string, position: Position): Promise<CompletionItem[]> {
  const result = (await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position })) as CompletionItem[] | CompletionList | null;
  return Array.isArray(result) ? result : (result?.items ?? []);
}

const labels = (items: readonly CompletionItem[]) => items.map((i) => i.label).sort();

describe("completion", () => {
  test("statement keywords at the start of a line", async () => {
    assert.deepEqual(labels(await completeAfter("")), ["graph", "input", "loop", "node", "output", "use"]);
    assert.deepEqual(labels(await completeAfter("no")), ["graph", "input", "loop", "node", "output", "use"]);
  });

  test("option names after a node, with what they expect; values after the colon", async () => {
    const options = await completeAfter("node extra = findCustomer(order.customerId) [");
    assert.deepEqual(labels(options), ["backoff", "cache", "pin", "retry", "timeout"]);
    assert.match(options.find((o) => o.label === "cache")?.detail ?? "", /off or forever/);
    assert.deepEqual(labels(await completeAfter("node extra = findCustomer(order.customerId) [retry: 2, ")), ["backoff", "cache", "pin", "retry", "timeout"]);
    const values = labels(await completeAfter("node extra = findCustomer(order.customerId) [cache: "));
    assert.ok(values.includes("off") && values.includes("forever"), values.join());
    assert.deepEqual(labels(await completeAfter("loop extra { customer } [")), ["concurrency"]);
  });

  test("the graph's options after its name, with the range it takes", async () => {
    const uri = await client.open(join(dir, "partitioned.graph"), "graph orders [");
    const options = await complete(uri, { line: 0, character: "graph orders [".length });
    assert.deepEqual(labels(options), ["partitions"]);
    assert.match(options[0].detail ?? "", /1 to 64/);
  });

  test("input and node names in call arguments, not the node itself", async () => {
    const names = labels(await completeAfter("node extra = findCustomer(order, "));
    for (const name of ["order", "currency", "customer", "invoice", "rates"]) assert.ok(names.includes(name), name);
    assert.ok(!names.includes("extra") && !names.includes("intake"), names.join());
    const inLoop = labels(await completeAfter("loop more { "));
    assert.ok(inLoop.includes("customer") && !inLoop.includes("order"), inLoop.join());
  });

  test("the exported functions of alias-less modules and the aliases, with signature and doc", async () => {
    const items = await completeAfter("node extra = ");
    const names = labels(items);
    for (const name of ["findCustomer", "resolveLines", "acceptOrder", "sendConfirmation", "pricing", "inventory"]) assert.ok(names.includes(name), `${name} in ${names.join()}`);
    assert.ok(!names.includes("loadRates"), "aliased exports come after the alias");
    const findCustomer = items.find((i) => i.label === "findCustomer");
    assert.match(findCustomer?.detail ?? "", /^findCustomer\(/);
    assert.ok(findCustomer?.documentation, "documentation from the doc comment");
  });

  test("`alias.` offers that module's functions", async () => {
    const items = await completeAfter("node extra = pricing.");
    assert.deepEqual(labels(items), ["issueInvoice", "loadRates", "priceLines"]);
    const loadRates = items.find((i) => i.label === "loadRates");
    assert.match(loadRates?.detail ?? "", /loadRates\(currency: string/);
    assert.match(JSON.stringify(loadRates?.documentation), /exchange rate/);
  });

  test("module paths inside use: module files and folders relative to the graph", async () => {
    mkdirSync(join(dir, "nodes", "more"), { recursive: true });
    writeFileSync(join(dir, "nodes", "notes.txt"), "not a module");
    const top = await completeAfter('use "./');
    assert.ok(labels(top).includes("nodes"), labels(top).join());
    const inNodes = await completeAfter('use "./nodes/');
    const names = labels(inNodes);
    for (const name of ["orders.ts", "pricing.ts", "more"]) assert.ok(names.includes(name), `${name} in ${names.join()}`);
    assert.ok(!names.includes("notes.txt"));
    const pricing = inNodes.find((i) => i.label === "pricing.ts");
    assert.equal((pricing?.textEdit as { newText: string } | undefined)?.newText, "./nodes/pricing.ts");
    assert.deepEqual(await completeAfter('use "./nowhere/'), []);
  });

  test("a broken file still completes", async () => {
    const items = await completeAfter("node = (((\nnode extra = pricing.", "broken.graph");
    assert.ok(labels(items).includes("loadRates"));
  });
});
