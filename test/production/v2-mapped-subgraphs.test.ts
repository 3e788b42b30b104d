// A subgraph called with `map` in production: one run of the subgraph's nodes per element,
// in the worker, as in development mode; an element whose inner node fails its last
// attempt sends the job to the dead-letter list naming the element and the inner node.
import assert from "node:assert/strict";
import { test } from "node:test";
import { copyFixture } from "../runtime/workspace";
import { deploy, fileTestRedis, queueManager, startWorker, stopWorkers, submit, waitFor, waitForRest } from "./production-harness";

const redis = fileTestRedis();

test("a subgraph called with map gives the array of its outputs per element, defaults applied, cached as the subgraph's nodes", async () => {
  const ws = copyFixture("v2", "production");
  deploy("mapsub.graph", redis.url, ws);
  const workers = [await startWorker(redis.url, ws, "pmapsub", "main")];
  const { manager, close } = await queueManager(redis.url, "pmapsub");
  try {
    const ids = await submit(manager, [{}, {}]);
    await waitForRest(manager, 20_000);
    const many = [
      { text: "Hello, x", loud: "HELLO, X" },
      { text: "Hello, y", loud: "HELLO, Y" },
    ];
    assert.deepEqual(await manager.outcomes(ids), ids.map((id) => ({ id, status: "done", result: { many } })));
    assert.equal((await redis.client.keys("stepgraph:{greeting}:cache:*")).length, 2, "one entry of `text` per element, under the subgraph's name");
    assert.deepEqual(await redis.client.keys("stepgraph:{pmapsub}:cache:*"), []);
    const logs = workers[0].output();
    assert.match(logs, /job \d+ many\/text: greet x/);
    assert.equal(logs.match(/greet [xy]/g)?.length, 2, `the second job's elements came from the cache: ${logs}`);
  } finally {
    close();
    assert.deepEqual(await stopWorkers(workers), [0]);
  }
});

test("an element whose inner node fails its last attempt sends the job to the dead-letter list, naming the element and the inner node", async () => {
  const ws = copyFixture("v2", "production");
  deploy("mapsubfails.graph", redis.url, ws);
  const workers = [await startWorker(redis.url, ws, "pmapsubfails", "main")];
  const { manager, close } = await queueManager(redis.url, "pmapsubfails");
  try {
    const [id] = await submit(manager, [{}]);
    await waitFor(async () => (await manager.deadJobs()).length === 1, 30_000, "a dead record");
    const records = (await manager.deadJobs()).map(({ loop, node, element, attempts, error }) => ({ loop, node, element, attempts, error }));
    // `checked` ran twice inside the element (its `retry: 1`); the job itself was not retried.
    assert.deepEqual(records, [{ loop: "main", node: "all", element: 2, attempts: 1, error: "element 2 of 4: node 'checked' of subgraph 'three' failed: three is bad (attempt 2)" }]);
    assert.match(workers[0].output(), /job \d+ all\/checked: attempt 1 failed: three is bad \(attempt 1\); retrying/);
    assert.doesNotMatch(workers[0].output(), /job \d+ all: attempt 1 of 3 failed/);
    assert.equal((await manager.outcomes([id]))[0].status, "dead");
  } finally {
    close();
    assert.deepEqual(await stopWorkers(workers), [0]);
  }
});
