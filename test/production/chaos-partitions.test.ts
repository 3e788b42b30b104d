// The chaos tests (chaos.test.ts) on a partitioned graph: the chain spread over 4
// partitions, workers killed with SIGKILL at random moments and restarted, then Redis
// restarted mid-run. Every job's result must come out exactly once and be right, in its own
// partition: each loop commits each job once, each result is written by one commit, nothing
// is left in any partition's lists.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, test } from "node:test";
import { partitionKeyPrefix } from "../../src/store/keys";
import { startTestRedis, type TestRedis } from "../redis-harness";
import { deploy, loopsWorkspace, queueManager, startWorker, stopWorkers, submit, waitForRest, type WorkerProcess } from "./production-harness";
import type { Workspace } from "../runtime/workspace";
import type { QueueManager } from "../../src/production/queue-manager";

const LOOPS = ["first", "second", "third"];
const PARTITIONS = 4;
const partitionKey = (p: number, key: string) => `${partitionKeyPrefix("chain", p)}prod:${key}`;
const partitionOf = (id: string) => Number(id.split("@")[1]);

/** Checks every job of the chain graph once: right result, written once in its partition, committed once by each loop; nothing left in a list. */
async function assertExactlyOnce(manager: QueueManager, redis: TestRedis, ids: readonly string[]): Promise<void> {
  assert.deepEqual(await manager.totals(), { submitted: ids.length, completed: ids.length, dead: 0 });
  const outcomes = await manager.outcomes(ids);
  const wrong = outcomes.filter((o, n) => o.status !== "done" || o.result.c !== 2 * n + 1);
  assert.deepEqual(wrong.slice(0, 5), [], `${wrong.length} jobs without their right result`);
  const parts = await Promise.all(ids.map((id) => redis.client.hget(partitionKey(partitionOf(id), `result:${id}`), "parts")));
  assert.deepEqual(
    parts.map((p, i) => [ids[i], p]).filter(([, p]) => p !== "1"),
    [],
    "each result is written by exactly one commit, in its job's partition",
  );
  const status = await manager.status();
  for (const loop of status.loops) {
    assert.deepEqual([loop.name, loop.done, loop.waiting, loop.inFlight, loop.delayed], [loop.name, ids.length, 0, 0, 0], "each loop commits each job once");
    assert.deepEqual(loop.partitions.map((p) => p.done), Array.from({ length: PARTITIONS }, (_, p) => ids.filter((id) => partitionOf(id) === p).length), `${loop.name}: each job committed in its own partition`);
  }
  assert.deepEqual(await redis.client.keys("stepgraph:{chain*}:prod:loop:*:processing:*"), []);
}

let redis: TestRedis;
let ws: Workspace;
before(async () => {
  redis = await startTestRedis({ args: ["--appendonly", "yes", "--appendfsync", "always"] });
  ws = loopsWorkspace();
  ws.edit("chain.graph", (text) => text.replace("graph chain", `graph chain [partitions: ${PARTITIONS}]`));
});
after(async () => {
  await redis.stop();
});

test("a partitioned graph: workers killed with SIGKILL at random moments and restarted: every result exactly once and right", async () => {
  await redis.client.flushall();
  deploy("chain.graph", redis.url, ws);
  const env = { STEPGRAPH_TEST_JITTER_MS: "20" };
  const workers = new Map<string, WorkerProcess>();
  const everStarted: WorkerProcess[] = [];
  const start = async (slot: string) => {
    const worker = await startWorker(redis.url, ws, "chain", slot.split("#")[0], { env });
    workers.set(slot, worker);
    everStarted.push(worker);
  };
  const slots = LOOPS.flatMap((loop) => [`${loop}#1`, `${loop}#2`]);
  await Promise.all(slots.map(start));
  const { manager, close } = await queueManager(redis.url, "chain");
  /** The jobs a worker holds in all partitions, and whether one of them already saw 3 deaths of its worker in that loop. */
  const held = async (slot: string) => {
    const loop = slot.split("#")[0];
    const id = /worker (\S+) serving loop/.exec(workers.get(slot)?.output() ?? "")?.[1];
    if (id === undefined) return { count: 0, nearDeath: false };
    let count = 0;
    let nearDeath = false;
    for (let p = 0; p < PARTITIONS; p++) {
      const jobs = await redis.client.lrange(partitionKey(p, `loop:${loop}:processing:${id}`), 0, -1);
      count += jobs.length;
      const fields = jobs.map((job) => createHash("sha1").update(job).digest("hex"));
      const deaths = fields.length === 0 ? [] : await redis.client.hmget(partitionKey(p, `loop:${loop}:deaths`), ...fields);
      nearDeath ||= deaths.some((d) => Number(d ?? 0) >= 3);
    }
    return { count, nearDeath };
  };
  // As in chaos.test.ts: each kill aims at a worker holding jobs, sparing one holding a job
  // whose workers died 3 times running it (one more death would dead-letter it by design).
  const victim = async () => {
    let safe = slots;
    for (const deadline = Date.now() + 1000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 10))) {
      const holdings = await Promise.all(slots.map(held));
      safe = slots.filter((_, i) => !holdings[i].nearDeath);
      const busy = slots.filter((_, i) => holdings[i].count > 0 && !holdings[i].nearDeath);
      if (busy.length > 0) return { slot: busy[Math.floor(Math.random() * busy.length)], midJob: true };
    }
    const pool = safe.length > 0 ? safe : slots;
    return { slot: pool[Math.floor(Math.random() * pool.length)], midJob: false };
  };
  let kills = 0;
  let midJobKills = 0;
  try {
    // Jobs arrive over about 5 s while a worker is killed every 400-800 ms.
    const total = 1500;
    const ids: string[] = [];
    const submitting = (async () => {
      for (let n = 0; n < total; n += 150) {
        ids.push(...(await submit(manager, Array.from({ length: Math.min(150, total - n) }, (_, i) => ({ n: n + i })))));
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    })();
    let submitted = false;
    void submitting.then(() => (submitted = true));
    while (!submitted || kills < 8) {
      await new Promise((resolve) => setTimeout(resolve, 400 + Math.random() * 400));
      const { slot, midJob } = await victim();
      if (midJob) midJobKills++;
      workers.get(slot)?.child.kill("SIGKILL");
      await workers.get(slot)?.exited;
      kills++;
      await start(slot);
    }
    await submitting;
    await waitForRest(manager, 60_000);
    await assertExactlyOnce(manager, redis, ids);
    assert.ok(kills >= 8);
    assert.ok(midJobKills > 0, "some kill hit a worker in the middle of jobs");
    const reaped = everStarted.some((w) => /returned \d+ jobs? of a worker whose lease expired/.test(w.output()));
    assert.ok(reaped, "some worker returned the jobs of a killed one");
  } finally {
    close();
    assert.deepEqual(await stopWorkers([...workers.values()]), slots.map(() => 0));
  }
});

test("a partitioned graph: Redis restarted (AOF on) during a run: the workers reconnect every partition's connections, no worker exits, every job finishes exactly once", async () => {
  await redis.client.flushall();
  deploy("chain.graph", redis.url, ws);
  const workers = await Promise.all(LOOPS.map((loop) => startWorker(redis.url, ws, "chain", loop, { env: { STEPGRAPH_TEST_JITTER_MS: "40" } })));
  const { manager, close } = await queueManager(redis.url, "chain");
  try {
    const ids = await submit(manager, Array.from({ length: 1200 }, (_, n) => ({ n })));
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.ok((await manager.totals()).completed < 1200, "the restart happens mid-run");
    await redis.restart({ downMs: 500 });
    await waitForRest(manager, 60_000);
    await assertExactlyOnce(manager, redis, ids);
    for (const w of workers) {
      assert.equal(w.child.exitCode, null, `worker still running: ${w.output()}`);
      assert.match(w.output(), /lost Redis/);
      assert.match(w.output(), /Redis is back/);
    }
  } finally {
    close();
    assert.deepEqual(await stopWorkers(workers), [0, 0, 0]);
  }
});
