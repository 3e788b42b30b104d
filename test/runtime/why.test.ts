// Why a node ran: on a cache miss, the part of its key that changed since its last cached
// run (code, naming the files; input, naming the arguments; options; expired; never
// cached), and for a hit, the run it came from. Jobs run one after another on one cache,
// in a redis-server of the test's own and in the in-process store; real node hosts.
import assert from "node:assert/strict";
import { once } from "node:events";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, describe, test, type TestContext } from "node:test";
import { loadGraph } from "../../src/runtime/graph-loader";
import { resolveJobInput } from "../../src/runtime/job-input";
import { Orchestrator, type CacheMode } from "../../src/runtime/orchestrator";
import { ProcessPool } from "../../src/runtime/process-pool";
import { MemoryStorage, type CacheStorage } from "../../src/store/cache-storage";
import { NodeCache } from "../../src/store/node-cache";
import { openCacheStorage } from "../../src/store/open-cache-storage";
import { repoRoot } from "../helpers";
import { startTestRedis, type TestRedis } from "../redis-harness";
import { copyFixture, type Workspace } from "./workspace";

let redis: TestRedis;
before(async () => (redis = await startTestRedis()));
after(() => redis.stop());
beforeEach(() => redis.client.flushall());

type StoreKind = "redis" | "memory";

/** One cache for the whole test: every job of it reads what the earlier ones wrote. */
async function openStore(t: TestContext, kind: StoreKind): Promise<CacheStorage> {
  const storage = kind === "memory" ? new MemoryStorage() : (await openCacheStorage({ choice: { kind: "url", url: redis.url }, stateDir: tmpdir() })).storage;
  t.after(() => storage.close());
  return storage;
}

/** Loads the graph as it is on disk now (edits included), runs one job to its end, and gives back the finished Orchestrator. */
async function runJob(ws: Workspace, graph: string, payload: unknown, storage: CacheStorage, cacheMode: CacheMode = "use"): Promise<Orchestrator> {
  const loaded = await loadGraph(ws.path(graph), { stateDir: ws.stateDir });
  const pool = new ProcessPool({ size: 2, hostScript: join(repoRoot, "dist", "node-host.js") });
  const orchestrator = new Orchestrator(loaded.graph, loaded.modules, resolveJobInput(loaded.graph, payload), { pool, cache: new NodeCache(storage), cacheMode, defaultTtlMs: 60_000, pins: loaded.pins });
  try {
    const finished = once(orchestrator, "finished");
    await orchestrator.continue();
    await finished;
  } finally {
    await pool.close();
  }
  return orchestrator;
}

/** Each node's status and why: `ran (never cached)`. */
function whys(orchestrator: Orchestrator): Record<string, string> {
  return Object.fromEntries(orchestrator.graph.nodes.map((node) => {
    const state = orchestrator.state(node.name);
    return [node.name, `${state.status}${state.why === undefined ? "" : ` (${state.why})`}`];
  }));
}

const input = { n: 3 };

for (const kind of ["redis", "memory"] as const) {
  describe(`why a node ran, with the cache in ${kind}`, () => {
    test("the first run: never cached; the next: each hit names the run it came from", async (t) => {
      const storage = await openStore(t, kind);
      const ws = copyFixture("pipeline");
      const before = Date.now();
      const first = await runJob(ws, "pipeline.graph", input, storage);
      const ended = Date.now();
      assert.deepEqual(whys(first), { doubled: "ran (never cached)", squared: "ran (never cached)", shout: "ran (never cached)", total: "ran (never cached)", stamp: "ran (cache: off)" });
      const second = await runJob(ws, "pipeline.graph", input, storage);
      const doubled = second.state("doubled");
      assert.equal(doubled.status, "cached");
      const computedAt = doubled.computedAt as number;
      assert.ok(computedAt >= before && computedAt <= ended, "the first run's time");
      assert.equal(doubled.why, `from the run at ${new Date(computedAt).toISOString()}`);
    });

    test("code: an edit to a node's own module names that module, and only its nodes miss", async (t) => {
      const storage = await openStore(t, kind);
      const ws = copyFixture("pipeline");
      await runJob(ws, "pipeline.graph", input, storage);
      ws.edit("nodes/text.ts", (text) => text.replace("word.toUpperCase()", "word.toUpperCase() + '!'"));
      const job = await runJob(ws, "pipeline.graph", input, storage);
      assert.equal(whys(job).shout, "ran (code: nodes/text.ts)");
      assert.equal(job.state("doubled").status, "cached");
    });

    test("code: an edit to an imported module names the imported file, not the node's module", async (t) => {
      const storage = await openStore(t, kind);
      const ws = copyFixture("pipeline");
      await runJob(ws, "pipeline.graph", input, storage);
      ws.edit("nodes/helper.ts", (text) => text.replace("FACTOR = 2", "FACTOR = 3"));
      const job = await runJob(ws, "pipeline.graph", input, storage);
      const seen = whys(job);
      assert.deepEqual([seen.doubled, seen.squared, seen.total, seen.shout], ["ran (code: nodes/helper.ts)", "ran (code: nodes/helper.ts)", "ran (code: nodes/helper.ts; input: a)", `cached (${job.state("shout").why})`]);
    });

    test("code: a file whose edit changed only comments is not named beside one that changed", async (t) => {
      const storage = await openStore(t, kind);
      const ws = copyFixture("pipeline");
      await runJob(ws, "pipeline.graph", input, storage);
      ws.edit("nodes/helper.ts", (text) => `// only a comment\n${text}`);
      ws.edit("nodes/math.ts", (text) => text.replace("return n * n;", "return n * n + 0.5;"));
      const job = await runJob(ws, "pipeline.graph", input, storage);
      assert.equal(job.state("squared").why, "code: nodes/math.ts");
    });

    test("input: names the parameters whose values changed", async (t) => {
      const storage = await openStore(t, kind);
      const ws = copyFixture("pipeline");
      await runJob(ws, "pipeline.graph", input, storage);
      const job = await runJob(ws, "pipeline.graph", { n: 4 }, storage);
      assert.deepEqual(whys(job), { doubled: "ran (input: n)", squared: "ran (input: n)", total: "ran (input: a, b)", shout: `cached (${job.state("shout").why})`, stamp: "ran (cache: off)" });
    });

    test("options: names the options that changed", async (t) => {
      const storage = await openStore(t, kind);
      const ws = copyFixture("pipeline");
      await runJob(ws, "pipeline.graph", input, storage);
      ws.edit("pipeline.graph", (text) => text.replace("node squared  = square(n)", "node squared  = square(n)  [retry: 2, timeout: 5s]"));
      const job = await runJob(ws, "pipeline.graph", input, storage);
      assert.equal(job.state("squared").why, "options: retry, timeout");
      assert.equal(job.state("doubled").status, "cached");
    });

    test("expired: the entry of the same key outlived its TTL", async (t) => {
      const storage = await openStore(t, kind);
      const ws = copyFixture("pipeline");
      ws.edit("pipeline.graph", (text) => text.replace("node squared  = square(n)", "node squared  = square(n)  [cache: 500ms]"));
      await runJob(ws, "pipeline.graph", input, storage);
      await new Promise((resolve) => setTimeout(resolve, 700));
      const job = await runJob(ws, "pipeline.graph", input, storage);
      assert.equal(job.state("squared").why, "expired");
      assert.equal(job.state("doubled").status, "cached");
    });

    test("never cached again after the graph's cache is cleared", async (t) => {
      const storage = await openStore(t, kind);
      const ws = copyFixture("pipeline");
      await runJob(ws, "pipeline.graph", input, storage);
      assert.equal(await new NodeCache(storage).clearGraph("pipeline"), 4, "the count is of outputs only");
      assert.deepEqual(await storage.keysWithPrefix("stepgraph:{pipeline}:"), [], "nothing of the graph is left");
      const job = await runJob(ws, "pipeline.graph", { n: 4 }, storage);
      assert.equal(job.state("doubled").why, "never cached");
    });

    test("a map node: each element against that element's last cached run", async (t) => {
      const storage = await openStore(t, kind);
      const ws = copyFixture("v2");
      await runJob(ws, "map.graph", { n: 2 }, storage);
      const grown = await runJob(ws, "map.graph", { n: 3 }, storage);
      assert.deepEqual([grown.state("scaled").cache, grown.state("scaled").why], ["miss", "never cached (element 2)"], "elements 0 and 1 came from the cache");
      const scaled = await runJob(ws, "map.graph", { n: 3, factor: 5 }, storage);
      assert.equal(scaled.state("scaled").why, "input: factor");
      ws.edit("nodes/v2.ts", (text) => text.replace("return item * factor;", "return item * factor + 1;"));
      const edited = await runJob(ws, "map.graph", { n: 3, factor: 5 }, storage);
      assert.equal(edited.state("scaled").why, "code: nodes/v2.ts");
      const mixed = await runJob(ws, "map.graph", { n: 4, factor: 5, list: [1, 2, 7] }, storage);
      assert.equal(mixed.state("scaled").why, "never cached (element 3)");
      assert.equal(mixed.state("listed").why, "input: item (element 2)");
    });

    test("a subgraph node: the nodes that ran inside it, each with its why", async (t) => {
      const storage = await openStore(t, kind);
      const ws = copyFixture("v2");
      const first = await runJob(ws, "uses-a.graph", {}, storage);
      assert.equal(first.state("said").why, "subgraph 'hello': text (never cached), loud (never cached)");
      assert.equal(first.state("many").why, "subgraph 'hello': text (never cached), loud (never cached)", "the same for both elements");
      const second = await runJob(ws, "uses-a.graph", { who: "Grace" }, storage);
      assert.equal(second.state("said").why, "subgraph 'hello': text (input: name), loud (input: text)");
      assert.deepEqual([second.state("many").status, second.state("many").why], ["cached", "every node of subgraph 'hello' came from the cache"]);
    });
  });
}

describe("why a node ran without reading the cache", () => {
  test("refresh, cache off, and a node's own cache: off say so", async (t) => {
    const storage = await openStore(t, "memory");
    const ws = copyFixture("pipeline");
    assert.deepEqual(whys(await runJob(ws, "pipeline.graph", input, storage, "refresh")), { doubled: "ran (cache refresh)", squared: "ran (cache refresh)", shout: "ran (cache refresh)", total: "ran (cache refresh)", stamp: "ran (cache: off)" });
    assert.equal(whys(await runJob(ws, "pipeline.graph", input, storage, "off")).doubled, "ran (cache off)");
  });

  test("an entry that cannot be read, and one gone before its time", async (t) => {
    const storage = await openStore(t, "redis");
    const ws = copyFixture("pipeline");
    await runJob(ws, "pipeline.graph", input, storage);
    const [squared] = await redis.client.keys("stepgraph:{pipeline}:cache:squared:*");
    const [doubled] = await redis.client.keys("stepgraph:{pipeline}:cache:doubled:*");
    await redis.client.set(squared, "not json");
    await redis.client.del(doubled);
    const job = await runJob(ws, "pipeline.graph", input, storage);
    assert.equal(job.state("squared").why, "unreadable entry");
    assert.equal(job.state("doubled").why, "evicted");
  });
});
