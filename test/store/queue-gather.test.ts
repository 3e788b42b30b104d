// The scripts of a spread map against a real redis-server: each element's result is
// gathered once, however often it is committed; the last one pushes the job on with every
// result and deletes the gather hash; an element of a job that is gone only leaves its list.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { QueueStore } from "../../src/store/queue-store";
import { startTestRedis, type TestRedis } from "../redis-harness";

let redis: TestRedis;
before(async () => (redis = await startTestRedis()));
after(() => redis.stop());

test("spread, then gather: exactly once per element, the last element's commit pushes the job with all results", async () => {
  const store = await QueueStore.open(redis.url, "g");
  after(() => store.close());
  const keys = store.keys;
  await redis.client.lpush(keys.processing("l", "w"), "JOB");
  const elements = ['{"e":0}', '{"e":1}', '{"e":2}'];
  assert.equal(await store.spread("l", "w", { text: "JOB", id: "7", token: "t" }, { resume: '{"id":"7"}', entered: "{}", state: "{}", node: "m" }, elements), true);
  assert.deepEqual(await redis.client.lrange(keys.processing("l", "w"), 0, -1), [], "the job holds no place in the processing list");
  assert.deepEqual((await redis.client.lrange(keys.waiting("l"), 0, -1)).sort(), [...elements].sort());
  // A second spread of the same job text does nothing: it is no longer in the list.
  assert.equal(await store.spread("l", "w", { text: "JOB", id: "7", token: "t" }, { resume: "x", entered: "x", state: "x", node: "m" }, ["dup"]), false);

  const commit = async (i: number, result: string) => {
    await redis.client.lpush(keys.processing("l", "w"), elements[i]);
    return store.gather("l", "w", { text: elements[i], jobId: "7", token: "t", index: i }, result);
  };
  await redis.client.del(keys.waiting("l"));
  assert.equal(await commit(0, "r0"), true);
  // Element 0 ran twice (its first worker's lease expired): its second result is not counted.
  assert.equal(await commit(0, "r0 again"), true);
  assert.equal(await commit(2, "r2"), true);
  assert.deepEqual(await redis.client.lrange(keys.waiting("l"), 0, -1), [], "the job waits for element 1");
  assert.equal(await commit(1, "r1"), true);
  const [pushed] = await redis.client.lrange(keys.waiting("l"), 0, -1);
  assert.deepEqual(JSON.parse(pushed), { gather: { job: { id: "7" }, node: "m", results: { 0: "r0", 1: "r1", 2: "r2" } } });
  assert.equal(await redis.client.exists(keys.gather("l", "7", "t")), 0);
  // A late element of a job that went on (or died): it only leaves the processing list.
  assert.equal(await commit(1, "late"), true);
  assert.equal(await redis.client.llen(keys.waiting("l")), 1);
  assert.equal(await redis.client.llen(keys.processing("l", "w")), 0);
  // Not in the list: nothing happens.
  assert.equal(await store.gather("l", "w", { text: elements[1], jobId: "7", token: "t", index: 1 }, "x"), false);
});
