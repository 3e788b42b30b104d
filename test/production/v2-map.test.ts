// `map` in production: one call per element, in element order, each with its index and
// count, its retries its own; an element out of retries sends the job to the dead-letter
// list with the element's index; elements run concurrently up to the loop's concurrency.
import assert from "node:assert/strict";
import { test } from "node:test";
import { copyFixture } from "../runtime/workspace";
import { deploy, fileTestRedis, queueManager, startWorker, stopWorkers, submit, waitFor, waitForRest } from "./production-harness";

const redis = fileTestRedis();

test("a mapped node's output is the array of its elements' results; a failed element is retried alone", async () => {
  const ws = copyFixture("v2", "production");
  deploy("map.graph", redis.url, ws);
  const workers = await Promise.all(["making", "mapping"].map((loop) => startWorker(redis.url, ws, "pmap", loop)));
  const { manager, close } = await queueManager(redis.url, "pmap");
  try {
    const ids = await submit(manager, [{ n: 4 }, { n: 0 }]);
    await waitForRest(manager, 30_000);
    const [four, none] = await manager.outcomes(ids);
    assert.deepEqual(four, { id: ids[0], status: "done", result: { scaled: [10, 20, 30, 40], retried: [100, 200, 300, 400], context: "index undefined, count undefined" } });
    assert.deepEqual(none, { id: ids[1], status: "done", result: { scaled: [], retried: [], context: "index undefined, count undefined" } });
    const logs = workers[1].output();
    for (let i = 0; i < 4; i++) assert.match(logs, new RegExp(`scale ${i + 1} at ${i} of 4 attempt 1`));
    // Elements 2 and 4 failed once and ran again; 1 and 3 ran once, and the retry ran no other element again.
    for (const item of [1, 3]) assert.equal(logs.match(new RegExp(`flaky ${item} attempt`, "g"))?.length, 1, logs);
    for (const item of [2, 4]) assert.match(logs, new RegExp(`flaky ${item} attempt 2`));
    assert.equal(logs.match(/scale \d at/g)?.length, 4, "scaled ran once per element: the retry resumed at the failed elements");
  } finally {
    close();
    await stopWorkers(workers);
  }
});

test("an element out of retries sends the job to the dead-letter list with its index; a mapped value that is no array fails at once", async () => {
  const ws = copyFixture("v2", "production");
  deploy("mapfails.graph", redis.url, ws);
  const workers = await Promise.all(["checking", "wronging"].map((loop) => startWorker(redis.url, ws, "pmapfails", loop)));
  const { manager, close } = await queueManager(redis.url, "pmapfails");
  try {
    const [id] = await submit(manager, [{}]);
    // One dead job with a record from each loop: the first record counts it dead, the other comes after its retry.
    await waitFor(async () => (await manager.deadJobs()).length === 2, 30_000, "a dead record from each loop");
    const records = (await manager.deadJobs()).map(({ loop, node, element, attempts, error }) => ({ loop, node, element, attempts, error }));
    records.sort((a, b) => a.loop.localeCompare(b.loop));
    assert.deepEqual(records, [
      { loop: "checking", node: "checked", element: 2, attempts: 2, error: "element 2 of 4: three is bad (attempt 2)" },
      { loop: "wronging", node: "wrong", element: undefined, attempts: 1, error: "node 'wrong' maps over notList, which is a string, not an array" },
    ]);
    assert.equal((await manager.outcomes([id]))[0].status, "dead");
  } finally {
    close();
    await stopWorkers(workers);
  }
});

test("the elements of a map run concurrently, at most the loop's concurrency at once", async () => {
  const ws = copyFixture("v2", "production");
  deploy("crowd.graph", redis.url, ws);
  const workers = [await startWorker(redis.url, ws, "pcrowd", "crowding")];
  const { manager, close } = await queueManager(redis.url, "pcrowd");
  try {
    const ids = await submit(manager, [{}, {}, {}]);
    await waitForRest(manager, 30_000);
    const outcomes = await manager.outcomes(ids);
    const most = Math.max(...outcomes.flatMap((o) => (o.status === "done" ? (o.result.most as number[]) : [])));
    assert.equal(most, 3, `at most 3 elements at once, and 3 at some point: ${JSON.stringify(outcomes)}`);
  } finally {
    close();
    await stopWorkers(workers);
  }
});
