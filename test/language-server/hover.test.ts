// Hover: a call's signature and doc comment; a node's upstream and downstream; the newest
// cached output of a node with its age, read from a redis-server this test starts.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { HoverRequest, type Hover, type MarkupContent, type Position } from "vscode-languageserver-protocol";
import { stringify } from "devalue";
import { repoRoot } from "../helpers";
import { startTestRedis, type TestRedis } from "../redis-harness";
import { NodeCache } from "../../src/store/node-cache";
import { RedisStorage } from "../../src/store/redis-storage";
import { positionOf } from "./fixtures";
import { startLspClient, type LspClient } from "./lsp-client";

const path = join(repoRoot, "examples", "orders", "orders.graph");
const text = readFileSync(path, "utf8");
let client: LspClient;
let redis: TestRedis;
let uri: string;

before(async () => {
  redis = await startTestRedis();
  client = await startLspClient({ initializationOptions: { redisUrl: redis.url } });
  uri = await client.open(path);
});
after(async () => {
  await client.stop();
  await redis.stop();
});

async function hoverAt(position: Position, on = client, at = uri): Promise<string> {
  const result = (await on.connection.sendRequest(HoverRequest.type, { textDocument: { uri: at }, position })) as Hover | null;
  return result ? (result.contents as MarkupContent).value : "";
}

describe("hover", () => {
  test("on a call: the function's signature and doc comment", async () => {
    const value = await hoverAt(positionOf(text, "pricing.loadRates(currency)", 0, "pricing.".length + 2));
    assert.match(value, /```typescript\nfunction loadRates\(currency: string, ctx: NodeContext\): Promise<Rates>\n```/);
    assert.match(value, /Loads the exchange rate of `currency`/);
  });

  test("on a node's declaration and on a reference: upstream and downstream", async () => {
    const declaration = await hoverAt(positionOf(text, "node quote ", 0, 6));
    assert.match(declaration, /upstream: `lines`, `rates`, `customer`/);
    assert.match(declaration, /downstream: `accepted`/);
    const reference = await hoverAt(positionOf(text, "priceLines(lines", 0, "priceLines(".length + 1));
    assert.match(reference, /node lines = resolveLines/);
    assert.match(reference, /downstream: `quote`, `stock`, `parcel`/);
    assert.doesNotMatch(reference, /cached output/, "nothing is cached yet");
  });

  test("with an output in the cache: a short preview and its age", async () => {
    const cache = new NodeCache(new RedisStorage(redis.client.duplicate(), "test"));
    const key = (hash: string) => cache.key({ graph: "orders", node: "rates", codeHash: hash, inputHash: "i", optionsText: "{}" });
    const entry = { durationMs: 51, codeHash: "c", inputHash: "i", edited: false };
    await cache.set(key("old"), { ...entry, value: stringify({ currency: "OLD" }), createdAt: Date.now() - 3 * 3_600_000 }, undefined);
    await cache.set(key("new"), { ...entry, value: stringify({ currency: "EUR", perEur: 1, when: new Date(0) }), createdAt: Date.now() - 5 * 60_000 }, undefined);
    await cache.storage.close();
    const value = await hoverAt(positionOf(text, "node rates ", 0, 6));
    assert.match(value, /\*\*cached output\*\* \(5 min ago, ran in 51 ms\)/);
    assert.match(value, /currency: 'EUR'/);
    assert.match(value, /perEur: 1/);
    assert.doesNotMatch(value, /OLD/);
  });

  test("a Redis URL that does not answer costs only the preview", async () => {
    const unreachable = await startLspClient({ initializationOptions: { redisUrl: "redis://127.0.0.1:1" } });
    try {
      const at = await unreachable.open(path);
      const value = await hoverAt(positionOf(text, "node rates ", 0, 6), unreachable, at);
      assert.match(value, /upstream: `currency`/);
      assert.doesNotMatch(value, /cached output/);
    } finally {
      await unreachable.stop();
    }
  });

  test("on an option: what it accepts; on blank space: nothing", async () => {
    assert.match(await hoverAt(positionOf(text, "[cache: 1h", 0, 2)), /cache\*\* \(node option\): a duration/);
    assert.equal(await hoverAt({ line: 0, character: 0 }), "");
  });

  test("on the graph's option: what it accepts", async () => {
    const partitioned = text.replace("graph orders", "graph orders [partitions: 4]");
    const at = await client.open(join(repoRoot, "examples", "orders", "partitioned.graph"), partitioned);
    assert.match(await hoverAt(positionOf(partitioned, "[partitions", 0, 3), client, at), /partitions\*\* \(graph option\): a whole number of partitions, 1 to 64/);
  });
});
