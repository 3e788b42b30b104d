// What expires in production mode: only what belongs to finished jobs. A loop down for
// longer than any TTL, or a dead job retried days later, must still finish. The passing of
// time is simulated: every key of the graph that has a TTL is made to expire at once.
import assert from "node:assert/strict";
import { test } from "node:test";
import type Redis from "ioredis";
import { deploy, fileTestRedis, loopsWorkspace, queueManager, startWorker, stepgraph, stopWorkers, submit, waitFor, waitForRest } from "./production-harness";

const redis = fileTestRedis();

/** The keys of `graph` that have a TTL, but for workers' leases and the loops' throughput (no job's data). */
async function volatileKeys(client: Redis, graph: string): Promise<string[]> {
  const keys = (await client.keys(`stepgraph:{${graph}}:prod:*`)).filter((key) => !key.endsWith(":rate") && !key.includes(":lease:"));
  const ttls = await Promise.all(keys.map((key) => client.pttl(key)));
  return keys.filter((_, i) => ttls[i] >= 0).sort();
}

/** Time passes: everything of `graph` that has a TTL expires now. */
async function passTime(client: Redis, graph: string): Promise<void> {
  for (const key of await volatileKeys(client, graph)) await client.del(key);
}

test("a join waiting a long time for its other part: nothing of it expires, and the job finishes after any wait", async () => {
  const ws = loopsWorkspace();
  deploy("fork.graph", redis.url, ws);
  const { manager, close } = await queueManager(redis.url, "fork");
  const lefts = await startWorker(redis.url, ws, "fork", "lefts");
  try {
    const ids = await submit(manager, [{ n: 1 }, { n: 2 }]);
    await waitFor(async () => (await redis.client.keys("stepgraph:{fork}:prod:loop:merge:join:*")).length === 2, 10_000, "the left parts to wait in their joins");
    assert.deepEqual(await volatileKeys(redis.client, "fork"), [], "no key a pending job needs has a TTL");
    await passTime(redis.client, "fork");
    const others = await Promise.all(["rights", "merge"].map((loop) => startWorker(redis.url, ws, "fork", loop)));
    try {
      await waitForRest(manager, 15_000);
      assert.deepEqual((await manager.outcomes(ids)).map((o) => o.status), ["done", "done"]);
      // Finished, the results expire.
      assert.deepEqual(await volatileKeys(redis.client, "fork"), ids.map((id) => `stepgraph:{fork}:prod:result:${id}`).sort());
    } finally {
      await stopWorkers(others);
    }
  } finally {
    close();
    await stopWorkers([lefts]);
  }
});

test("a result with two parts, one of them dead: nothing expires until it is done; `dead retry` days later completes it", async () => {
  const ws = loopsWorkspace();
  deploy("pair.graph", redis.url, ws);
  const { manager, close } = await queueManager(redis.url, "pair");
  const one = await startWorker(redis.url, ws, "pair", "one");
  const refusing = await startWorker(redis.url, ws, "pair", "two", { env: { STEPGRAPH_TEST_REFUSE: "1" } });
  try {
    const [id] = await submit(manager, [{ n: 5 }]);
    await waitForRest(manager, 15_000);
    assert.equal((await manager.outcomes([id]))[0].status, "dead");
    assert.deepEqual(await volatileKeys(redis.client, "pair"), [], "a dead job keeps its result's parts while it can be retried");
    await stopWorkers([refusing]);
    await passTime(redis.client, "pair");
    const fixed = await startWorker(redis.url, ws, "pair", "two");
    try {
      const retried = stepgraph(["dead", "pair", "retry", id], redis.url, ws);
      assert.equal(retried.status, 0, retried.stderr);
      await waitForRest(manager, 15_000);
      assert.deepEqual(await manager.outcomes([id]), [{ id, status: "done", result: { a: 6, checked: 5 } }]);
      assert.deepEqual(await manager.store.totals(), { submitted: 1, completed: 1, dead: 0 });
      assert.deepEqual(await volatileKeys(redis.client, "pair"), [`stepgraph:{pair}:prod:result:${id}`]);
    } finally {
      await stopWorkers([fixed]);
    }
  } finally {
    close();
    await stopWorkers([one, refusing]);
  }
});

test("a dropped dead job's result expires; until then it stays", async () => {
  const ws = loopsWorkspace();
  deploy("poison.graph", redis.url, ws);
  const { manager, close } = await queueManager(redis.url, "poison");
  const workers = await Promise.all(["checking", "finishing"].map((loop) => startWorker(redis.url, ws, "poison", loop)));
  try {
    const ids = await submit(manager, [{ n: 13 }]);
    await waitForRest(manager, 15_000);
    assert.deepEqual(await volatileKeys(redis.client, "poison"), []);
    assert.equal(stepgraph(["dead", "poison", "drop", ids[0]], redis.url, ws).status, 0);
    assert.deepEqual(await volatileKeys(redis.client, "poison"), [`stepgraph:{poison}:prod:result:${ids[0]}`]);
    assert.equal((await manager.outcomes(ids))[0].status, "dead", "a dropped job still reads as dead until its result expires");
  } finally {
    close();
    await stopWorkers(workers);
  }
});
