// The queue store of a partitioned graph (src/store/queue-store.ts): one store per
// partition on the connection of the one opened, each with its partition's keys and a
// blocking connection of its own; the partition count the graph's queues span (the most of
// any version deployed); and the removal of old versions, which keeps a version while a job
// of it is unfinished in any partition. A redis-server of the test's own.
import assert from "node:assert/strict";
import { after, before, beforeEach, test } from "node:test";
import { QueueStore, whenCommitted } from "../../src/store/queue-store";
import { startTestRedis, type TestRedis } from "../redis-harness";

let redis: TestRedis;
before(async () => (redis = await startTestRedis()));
after(() => redis.stop());
beforeEach(() => redis.client.flushall());

const stored = () => ({ manifest: "{}", artifact: "", signature: "" });
const job = (id: string) => JSON.stringify({ id, v: 1, t: 0, q: 0, values: {} });

test("one store per partition, sharing the graph's store; partition 0 is the graph's own", async (t) => {
  const home = await QueueStore.open(redis.url, "g");
  t.after(() => home.close());
  assert.equal(home.partitionStore(0), home);
  const third = home.partitionStore(2);
  assert.equal(third.partition, 2);
  assert.equal(home.partitionStore(2), third, "the same store each time");
  assert.equal(third.partitionStore(1), home.partitionStore(1), "any partition's store finds the others");
  assert.deepEqual(home.partitionStoresUpTo(3).map((s) => s.partition), [0, 1, 2]);
  await third.submit(1, new Map([["a", [job("2@2")]]]));
  assert.deepEqual(await redis.client.lrange("stepgraph:{g:2}:prod:loop:a:waiting", 0, -1), [job("2@2")]);
  assert.equal(await redis.client.exists("stepgraph:{g}:prod:loop:a:waiting"), 0);
  assert.deepEqual(await third.totals(), { submitted: 1, completed: 0, dead: 0 });
  assert.deepEqual(await home.totals(), { submitted: 0, completed: 0, dead: 0 });
});

test("each partition's store waits on a connection of its own: blocking takes in two partitions at once", async (t) => {
  const home = await QueueStore.open(redis.url, "g");
  t.after(() => home.close());
  const [zero, one] = home.partitionStoresUpTo(2);
  const started = Date.now();
  const waits = [zero.takeBlocking("a", "w", 2), one.takeBlocking("a", "w", 2)];
  await new Promise((resolve) => setTimeout(resolve, 100));
  await one.submit(1, new Map([["a", [job("1@1")]]]));
  await zero.submit(1, new Map([["a", [job("2@0")]]]));
  assert.deepEqual(await Promise.all(waits), [job("2@0"), job("1@1")]);
  assert.ok(Date.now() - started < 1500, "neither waited behind the other");
  // Closing the graph's store ends every partition's waits.
  const pending = one.takeBlocking("a", "w", 5);
  home.closeBlocking();
  await assert.rejects(pending);
  await assert.rejects(zero.takeBlocking("a", "w", 1), /closed/);
});

test("the partition count is the most of any version deployed, 1 for a graph deployed before partitions", async (t) => {
  const home = await QueueStore.open(redis.url, "g");
  t.after(() => home.close());
  assert.equal(await home.partitionCount(), 1);
  await home.storeVersion(stored, () => "pointer", 10);
  assert.equal(await home.partitionCount(), 1);
  await home.storeVersion(stored, () => "pointer", 10, 4);
  await home.storeVersion(stored, () => "pointer", 10, 2);
  assert.equal(await home.partitionCount(), 4, "a version of fewer partitions leaves the jobs of the others served");
  assert.deepEqual((await redis.client.smembers("stepgraph:{g}:prod:partitions")).sort(), ["1", "2", "4"]);
});

test("an old version is kept while a job of it is unfinished in any partition, and removed once none is", async (t) => {
  const home = await QueueStore.open(redis.url, "g");
  t.after(() => home.close());
  const versions = () => redis.client.zrange("stepgraph:{g}:prod:versions", 0, -1);
  await home.storeVersion(stored, () => "pointer", 2, 4);
  // A job of version 1 in partition 3 only: partition 0, where the versions live, knows nothing of it.
  const third = home.partitionStore(3);
  await third.submit(1, new Map([["a", [job("3@3")]]]));
  for (let i = 0; i < 3; i++) await home.storeVersion(stored, () => "pointer", 2, 4);
  assert.deepEqual(await versions(), ["1", "3", "4"], "version 2 went; version 1 stays for its job");
  assert.equal(await redis.client.exists("stepgraph:{g}:prod:version:1"), 1);
  // The job finishes: its version is removed at the next deploy.
  const [taken] = await third.take("a", "w", 1);
  assert.equal(await whenCommitted((settled) => third.commit("a", "w", { text: taken, id: "3@3", version: 1, latencyMs: 1, targets: [{ kind: "result", payload: "{}", part: "a", expectedParts: 1 }] }, 60, settled)), true);
  await home.storeVersion(stored, () => "pointer", 2, 4);
  assert.deepEqual(await versions(), ["4", "5"]);
  assert.equal(await redis.client.exists("stepgraph:{g}:prod:version:1"), 0);
});
