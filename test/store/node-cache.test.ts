// NodeCache and finding the cache's Redis, against redis-servers the test starts.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { MemoryStorage, type CacheStorage } from "../../src/store/cache-storage";
import { NodeCache, type CacheEntry } from "../../src/store/node-cache";
import { openCacheStorage, parseRedisChoice } from "../../src/store/open-cache-storage";
import { RedisUnavailableError } from "../../src/store/redis-connection";
import { startTestRedis, type TestRedis } from "../redis-harness";

let redis: TestRedis;
const stateDir = mkdtempSync(join(tmpdir(), "stepgraph-store-"));
before(async () => {
  redis = await startTestRedis();
});
after(() => redis.stop());

const entry: CacheEntry = { value: "[1]", createdAt: 1, durationMs: 2, codeHash: "c", inputHash: "i", edited: false };
const fingerprint = { graph: "g", node: "n", codeHash: "c", inputHash: "i", optionsText: "{}" };

async function withStorage(kind: "redis" | "memory", use: (storage: CacheStorage) => Promise<void>): Promise<void> {
  const storage = kind === "memory" ? new MemoryStorage() : (await openCacheStorage({ choice: { kind: "url", url: redis.url }, stateDir })).storage;
  try {
    await use(storage);
  } finally {
    await storage.close();
  }
}

for (const kind of ["redis", "memory"] as const) {
  describe(`NodeCache on ${kind}`, () => {
    test("an entry round-trips under a key that covers code, inputs and options", () =>
      withStorage(kind, async (storage) => {
        const cache = new NodeCache(storage);
        const key = cache.key(fingerprint);
        assert.match(key, /^stepgraph:\{g\}:cache:n:[0-9a-f]{40}$/);
        for (const change of [{ codeHash: "c2" }, { inputHash: "i2" }, { optionsText: '{"retry":1}' }, { node: "m" }, { graph: "h" }]) {
          assert.notEqual(cache.key({ ...fingerprint, ...change }), key, JSON.stringify(change));
        }
        assert.deepEqual(await cache.get(key), { kind: "miss" });
        await cache.set(key, entry, undefined);
        assert.deepEqual(await cache.get(key), { kind: "hit", entry });
      }));

    test("an entry expires after its TTL", () =>
      withStorage(kind, async (storage) => {
        const cache = new NodeCache(storage);
        const key = cache.key({ ...fingerprint, node: "ttl" });
        await cache.set(key, entry, 100);
        assert.equal((await cache.get(key)).kind, "hit");
        await new Promise((resolve) => setTimeout(resolve, 150));
        assert.equal((await cache.get(key)).kind, "miss");
      }));

    test("a corrupt or foreign entry is unreadable, not an error", () =>
      withStorage(kind, async (storage) => {
        const cache = new NodeCache(storage);
        for (const text of ["not json", "null", '{"format":0,"value":"[1]"}', JSON.stringify({ ...entry, format: 1, durationMs: "2" })]) {
          const key = cache.key({ ...fingerprint, node: "bad" });
          await storage.set(key, text);
          assert.deepEqual(await cache.get(key), { kind: "unreadable" }, text);
        }
      }));

    test("clearing a graph removes its entries only", () =>
      withStorage(kind, async (storage) => {
        const cache = new NodeCache(storage);
        for (const node of ["a", "b", "c"]) await cache.set(cache.key({ ...fingerprint, graph: "clear_me", node }), entry, undefined);
        const other = cache.key({ ...fingerprint, graph: "clear_me_not" });
        await cache.set(other, entry, undefined);
        assert.equal(await cache.clearGraph("clear_me"), 3);
        assert.equal((await cache.get(other)).kind, "hit");
        assert.equal(await cache.clearGraph("clear_me"), 0);
      }));

    test("the nodes of a graph with entries, from one scan", () =>
      withStorage(kind, async (storage) => {
        const cache = new NodeCache(storage);
        const key = (node: string, inputHash: string, graph = "by_node") => cache.key({ ...fingerprint, graph, node, inputHash });
        await cache.set(key("a", "1"), entry, undefined);
        await cache.set(key("a", "2"), entry, undefined);
        await storage.set(key("b", "1"), "corrupt: still an entry");
        await cache.set(key("c", "1", "by_node_other"), entry, undefined);
        await cache.set(key("d", "1", "by"), entry, undefined);
        assert.deepEqual([...(await cache.nodesWithEntries("by_node"))].sort(), ["a", "b"]);
        assert.deepEqual(await cache.nodesWithEntries("by_node_none"), new Set());
      }));
  });
}

describe("finding the cache", () => {
  test("a URL that answers is used; its password never shows", async () => {
    const secured = await startTestRedis({ password: "s3cret" });
    try {
      const url = `redis://:s3cret@127.0.0.1:${secured.port}`;
      const { storage } = await openCacheStorage({ choice: parseRedisChoice(url), stateDir });
      assert.equal(storage.description, `redis://:***@127.0.0.1:${secured.port}`);
      await storage.set("stepgraph:{t}:x", "1");
      assert.equal(await storage.get("stepgraph:{t}:x"), "1");
      await storage.close();
      await assert.rejects(
        () => openCacheStorage({ choice: parseRedisChoice(`redis://:wrong@127.0.0.1:${secured.port}`), stateDir }),
        (e: Error) => e instanceof RedisUnavailableError && !e.message.includes("wrong") && /WRONGPASS|invalid/i.test(e.message),
      );
    } finally {
      await secured.stop();
    }
  });

  test("a URL that does not answer is one clear error", async () => {
    await assert.rejects(() => openCacheStorage({ choice: { kind: "url", url: "redis://127.0.0.1:1" }, stateDir }), {
      name: "Error",
      message: "Redis at redis://127.0.0.1:1 does not answer (connection refused)",
    });
  });

  test("the choice names are read from --redis", () => {
    assert.deepEqual(parseRedisChoice(undefined), { kind: "search" });
    assert.deepEqual(parseRedisChoice("memory"), { kind: "memory" });
    assert.deepEqual(parseRedisChoice("rediss://u:p@h:6380/2"), { kind: "url", url: "rediss://u:p@h:6380/2" });
    assert.throws(() => parseRedisChoice("localhost:6379"), /is not a Redis URL/);
  });
});
