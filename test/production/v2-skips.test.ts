// `when`, skips and `REF?` in production: the semantics of development mode, across loops
// too (a skip handed on stays a skip), skipped outputs left out of the result.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseJobMessage } from "../../src/production/job-message";
import { copyFixture } from "../runtime/workspace";
import { deploy, fileTestRedis, queueManager, startWorker, stopWorkers, submit, waitFor, waitForRest } from "./production-harness";

const redis = fileTestRedis();

test("a node whose condition fails is skipped, and so are the nodes that need it, in later loops too; REF? passes undefined", async () => {
  const ws = copyFixture("v2", "production");
  deploy("skips.graph", redis.url, ws);
  const workers = await Promise.all(["deciding", "telling", "closing"].map((loop) => startWorker(redis.url, ws, "pskips", loop)));
  const { manager, close } = await queueManager(redis.url, "pskips");
  try {
    const orders = [
      { id: "a", total: 200, flagged: false },
      { id: "b", total: 50, flagged: false },
      { id: "c", total: 300, flagged: true },
      { id: "d", total: 40 },
    ];
    const ids = await submit(manager, orders.map((order) => ({ order })));
    await waitForRest(manager, 30_000);
    const outcomes = await manager.outcomes(ids);
    assert.deepEqual(outcomes[0], { id: ids[0], status: "done", result: { refunded: 20, told: "a: refunded 20", strict: 20, after: 20, guarded: "a" } });
    for (const [i, order] of orders.entries()) {
      if (i === 0) continue;
      // `refunded` skipped: `strict` needs it, `after` (two loops on) needs `strict`, `guarded`'s condition reads it without `?`.
      assert.deepEqual(outcomes[i], { id: ids[i], status: "done", result: { told: `${order.id}: no refund`, lenient: order.id } });
    }
    assert.deepEqual(await manager.store.totals(), { submitted: 4, completed: 4, dead: 0 });
  } finally {
    close();
    assert.deepEqual(await stopWorkers(workers), [0, 0, 0]);
  }
});

test("the hand-on tells the next loop which of the values it reads were skipped, in the job message itself", async () => {
  const ws = copyFixture("v2", "production");
  deploy("skips.graph", redis.url, ws);
  // No worker on `closing`: the job waits there as `telling` handed it on.
  const workers = await Promise.all(["deciding", "telling"].map((loop) => startWorker(redis.url, ws, "pskips", loop)));
  const { manager, close } = await queueManager(redis.url, "pskips");
  try {
    const [skippedId, ranId] = await submit(manager, [{ order: { id: "b", total: 50 } }, { order: { id: "a", total: 500 } }]);
    const waiting = "stepgraph:{pskips}:prod:loop:closing:waiting";
    await waitFor(async () => (await redis.client.llen(waiting)) === 2, 20_000, "both jobs to reach closing");
    // `closing` joins the parts of `deciding` and `telling`: each part says what it saw skipped.
    const messages = (await redis.client.lrange(waiting, 0, -1)).map((text) => parseJobMessage(text));
    const skippedJob = messages.find((m) => m.id === skippedId);
    assert.deepEqual(skippedJob?.s?.sort(), ["refunded", "strict"]);
    assert.deepEqual(Object.keys(skippedJob?.values ?? {}).sort(), ["order", "told"]);
    // A plain list of names in the message: no other key, no other command.
    assert.match((await redis.client.lrange(waiting, 0, -1)).join("\n"), /,"s":\["refunded"\]\}/);
    assert.equal(messages.find((m) => m.id === ranId)?.s, undefined, "no list when nothing was skipped");
  } finally {
    close();
    await stopWorkers(workers);
  }
});
