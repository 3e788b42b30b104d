// Subgraph calls in production: the subgraph's nodes run in the calling node's loop (its
// own loops ignored), cached as nodes of their own file; the call's output is the object
// of the subgraph's outputs.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startTestRedis, type TestRedis } from "../redis-harness";
import { copyFixture } from "../runtime/workspace";
import { deploy, queueManager, startWorker, stopWorkers, submit, waitForRest } from "./production-harness";

let redis: TestRedis;
before(async () => (redis = await startTestRedis()));
after(() => redis.stop());

test("a subgraph call runs in the caller's loop, nested and skipped calls included; its nodes are cached under the subgraph's name", async () => {
  const ws = copyFixture("v2", "production");
  const deployed = JSON.parse(deploy("uses.graph", redis.url, ws).stdout) as { loops: { name: string }[] };
  // The subgraph's loop `own` is not a loop of the caller.
  assert.deepEqual(deployed.loops.map((l) => l.name), ["calling", "after"]);
  const workers = await Promise.all(["calling", "after"].map((loop) => startWorker(redis.url, ws, "uses", loop)));
  const { manager, close } = await queueManager(redis.url, "uses");
  try {
    const ids = await submit(manager, [{ who: "Ada" }, { who: "Bob", formal: true }, { who: "Ada" }]);
    await waitForRest(manager, 30_000);
    const outcomes = await manager.outcomes(ids);
    const ada = { said: { text: "Hello, Ada", loud: "HELLO, ADA" }, nested: { both: "HI, ADA" }, again: "HELLO, ADA" };
    assert.deepEqual(outcomes[0], { id: ids[0], status: "done", result: ada });
    assert.deepEqual(outcomes[1], {
      id: ids[1],
      status: "done",
      result: { said: { text: "Hello, Bob", loud: "HELLO, BOB" }, polite: { text: "Good day, Bob", loud: "GOOD DAY, BOB" }, nested: { both: "HI, BOB" }, again: "HELLO, BOB" },
    });
    assert.deepEqual(outcomes[2], { id: ids[2], status: "done", result: ada });
    // `text` has `cache: forever`: kept as a node of greeting.graph, whoever called it.
    const cacheKeys = await redis.client.keys("stepgraph:{greeting}:cache:*");
    assert.ok(cacheKeys.length >= 3, `greeting's cache entries: ${cacheKeys.join(", ")}`);
    assert.deepEqual(await redis.client.keys("stepgraph:{uses}:cache:*"), []);
    // The third job's greetings came from the cache: greet ran once per distinct call.
    const logs = workers[0].output();
    assert.equal(logs.match(/greet Ada/g)?.length, 2, logs);
    assert.match(logs, /job \d+ said\/text: greet Ada/);
    assert.match(logs, /job \d+ nested\/first\/text: greet Ada/);
  } finally {
    close();
    assert.deepEqual(await stopWorkers(workers), [0, 0]);
  }
});
