// The debug console's completions and the `invalidated` event after an edit, driven by a
// real DAP client against a redis-server the test starts (docs/debugging.md, "The debug
// console").
import type { DebugClient } from "@vscode/debugadapter-testsupport";
import type { DebugProtocol } from "@vscode/debugprotocol";
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestRedis, type TestRedis } from "../redis-harness";
import { copyFixture } from "../runtime/workspace";
import { launch, scopeValues, stoppedAt } from "./dap-helpers";

let redis: TestRedis;
before(async () => {
  redis = await startTestRedis();
});
after(() => redis.stop());

const ITEMS = [
  { sku: "a", qty: 2 },
  { sku: "b", qty: 1 },
];

/** Stopped before `total` of shop.graph: `enriched` has its output, `total` and `later` none yet. */
async function stoppedBeforeTotal(t: Parameters<typeof launch>[0]): Promise<DebugClient> {
  const ws = copyFixture("console", "debug-adapter");
  const graph = ws.path("shop.graph");
  const client = await launch(t, { graph, input: { items: ITEMS }, redisUrl: redis.url, cwd: ws.dir, stopOnEntry: false, cache: "off" }, { path: graph, breakpoints: [{ line: 10 }] });
  assert.equal((await stoppedAt(client)).node, "total");
  return client;
}

/** The completions for `text` with the cursor at its end (columns start at 1). */
async function complete(client: DebugClient, text: string): Promise<DebugProtocol.CompletionItem[]> {
  return (await client.completionsRequest({ text, column: text.length + 1 })).body.targets;
}

async function labels(client: DebugClient, text: string): Promise<string[]> {
  return (await complete(client, text)).map((target) => target.label).sort();
}

describe("debug console completions", () => {
  test("the adapter offers completions, triggered by '.' and '['", async (t) => {
    const ws = copyFixture("console", "debug-adapter");
    const client = await launch(t, { graph: ws.path("shop.graph"), input: { items: ITEMS }, redisUrl: redis.url, cwd: ws.dir });
    const capabilities = (await client.initializeRequest()).body;
    assert.equal(capabilities?.supportsCompletionsRequest, true);
    assert.deepEqual(capabilities?.completionTriggerCharacters, [".", "["]);
  });

  test("input names, the node's parameters and the nodes with an output so far", async (t) => {
    const client = await stoppedBeforeTotal(t);
    assert.deepEqual(await labels(client, ""), ["cart", "enriched", "items", "region"], "total and later have no output yet");
    const items = await complete(client, "it");
    assert.deepEqual(
      items.map((item) => [item.label, item.type, item.detail, item.start, item.length]),
      [["items", "variable", "input", 1, 2]],
      "replacing the 2 characters typed, from column 1",
    );
    const [enriched] = await complete(client, "doubled + enr");
    assert.deepEqual([enriched.label, enriched.type, enriched.detail, enriched.start, enriched.length], ["enriched", "value", "output of node 'enriched'", 11, 3]);
    assert.deepEqual(await labels(client, "ca"), ["cart"], "the parameter of price(cart), the node stopped before");
    assert.equal((await complete(client, "ca"))[0].detail, "parameter of node 'total'");
  });

  test("property paths: the keys of a node's value, nested, and array indices", async (t) => {
    const client = await stoppedBeforeTotal(t);
    const [rates, ...others] = await complete(client, "enriched.ra");
    assert.deepEqual(others, []);
    assert.deepEqual([rates.label, rates.type, rates.detail, rates.start, rates.length], ["rates", "property", "object", 10, 2]);
    assert.deepEqual(await labels(client, "enriched."), ["lines", "rates", "region"], "identifier keys after a dot ('odd key' is not one)");
    assert.deepEqual(await labels(client, "1 + enriched.rates."), ["eu", "us"]);
    assert.deepEqual(await labels(client, "enriched.rates.e"), ["eu"]);
    assert.deepEqual(await labels(client, "enriched.lines["), ["0", "1"]);
    assert.deepEqual(await labels(client, "enriched.lines[1]."), ["qty", "sku"]);
    assert.deepEqual(await labels(client, "items[0].s"), ["sku"], "into an input too");
    assert.deepEqual(await labels(client, "enriched["), ['"lines"', '"odd key"', '"rates"', '"region"'], "every key, quoted, in brackets");
    assert.deepEqual(await labels(client, 'enriched["od'), ["odd key"], "inside a quote: the key itself");
    assert.deepEqual(await labels(client, "enriched.nope."), [], "nothing there");
    assert.deepEqual(await labels(client, "enriched.region."), [], "a string has no property paths");
    assert.deepEqual(await labels(client, "later."), [], "a node without an output");
  });

  test("a completion in a frame below uses that frame's parameters", async (t) => {
    const client = await stoppedBeforeTotal(t);
    const frames = (await client.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    const below = frames.find((frame) => frame.name.startsWith("enriched"));
    const targets = (await client.completionsRequest({ text: "reg", column: 4, frameId: below?.id })).body.targets;
    assert.deepEqual(
      targets.map((target) => [target.label, target.detail]),
      [["region", "input"]],
    );
    const all = (await client.completionsRequest({ text: "", column: 1, frameId: below?.id })).body.targets.map((target) => target.label).sort();
    assert.deepEqual(all, ["enriched", "items", "region"], "enrich(items, region): no cart here");
  });
});

describe("invalidated after an edit", () => {
  test("setVariable and setExpression send invalidated (variables), and no stopped; the views then read the new values", async (t) => {
    const ws = copyFixture("pipeline");
    const graph = ws.path("pipeline.graph");
    const client = await launch(t, { graph, input: { n: 3 }, redisUrl: redis.url, cwd: ws.dir, stopOnEntry: false, cache: "use" }, { path: graph, breakpoints: [{ line: 13 }] }, undefined, { supportsInvalidatedEvent: true });
    await stoppedAt(client);
    const stops: unknown[] = [];
    client.on("stopped", (event) => stops.push(event));
    const events: DebugProtocol.InvalidatedEvent[] = [];
    client.on("invalidated", (event: DebugProtocol.InvalidatedEvent) => events.push(event));
    const frameId = (await client.stackTraceRequest({ threadId: 1 })).body.stackFrames[0].id;
    const outputs = (await client.scopesRequest({ frameId })).body.scopes[2];
    const invalidated = client.waitForEvent("invalidated");
    await client.setVariableRequest({ variablesReference: outputs.variablesReference, name: "doubled", value: "100" });
    assert.deepEqual((await invalidated).body, { areas: ["variables"], threadId: 1 });
    const again = client.waitForEvent("invalidated");
    await client.customRequest("setExpression", { expression: "squared", value: "squared + 1" });
    await again;
    assert.deepEqual((await scopeValues(client, frameId)).Inputs, { a: "100", b: "10" }, "the same frame, its views refreshed");
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(stops, [], "no stopped event: nothing ran");
    assert.equal(events.length, 2);
  });

  test("a client that does not announce invalidated gets none", async (t) => {
    const ws = copyFixture("pipeline");
    const graph = ws.path("pipeline.graph");
    const client = await launch(t, { graph, input: { n: 3 }, redisUrl: redis.url, cwd: ws.dir, stopOnEntry: false, cache: "off" }, { path: graph, breakpoints: [{ line: 13 }] });
    await stoppedAt(client);
    const events: unknown[] = [];
    client.on("invalidated", (event) => events.push(event));
    await client.customRequest("setExpression", { expression: "doubled", value: "7" });
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(events, []);
    assert.equal((await scopeValues(client)).Inputs.a, "7", "the edit holds all the same");
  });
});
