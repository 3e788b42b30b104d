// Production mode when things break: workers killed with SIGKILL at random moments and
// restarted, Redis restarted mid-run. Every job's result must come out exactly once and
// be right: each loop commits each job once, each result is written by one commit.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, test } from "node:test";
import { startTestRedis, type TestRedis } from "../redis-harness";
import { deploy, loopsWorkspace, queueManager, startWorker, stopWorkers, submit, waitForRest, type WorkerProcess } from "./production-harness";
import type { Workspace } from "../runtime/workspace";
import type { QueueManager } from "../../src/production/queue-manager";

const LOOPS = ["first", "second", "third"];

/** Checks every job of the chain graph once: right result, written once, committed once by each loop; nothing left in a queue. */
async function assertExactlyOnce(manager: QueueManager, redis: TestRedis, ids: readonly string[]): Promise<void> {
  assert.deepEqual(await manager.store.totals(), { submitted: ids.length, completed: ids.length, dead: 0 });
  const outcomes = await manager.outcomes(ids);
  const wrong = outcomes.filter((o, n) => o.status !== "done" || o.result.c !== 2 * n + 1);
  assert.deepEqual(wrong.slice(0, 5), [], `${wrong.length} jobs without their right result`);
  const parts = await Promise.all(ids.map((id) => redis.client.hget(`stepgraph:{chain}:prod:result:${id}`, "parts")));
  assert.deepEqual(
    parts.map((p, i) => [ids[i], p]).filter(([, p]) => p !== "1"),
    [],
    "each result is written by exactly one commit",
  );
  const status = await manager.status();
  for (const loop of status.loops) assert.deepEqual([loop.name, loop.done, loop.waiting, loop.inFlight, loop.delayed], [loop.name, ids.length, 0, 0, 0], "each loop commits each job once");
  assert.deepEqual(await redis.client.keys("stepgraph:{chain}:prod:loop:*:processing:*"), []);
}

let redis: TestRedis;
let ws: Workspace;
before(async () => {
  redis = await startTestRedis({ args: ["--appendonly", "yes", "--appendfsync", "always"] });
  ws = loopsWorkspace();
});
after(async () => {
  await redis.stop();
});

test("workers killed with SIGKILL at random moments and restarted: every result exactly once and right", async () => {
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
  /** The jobs a worker holds, and whether one of them already saw 3 deaths of its worker in that loop. */
  const held = async (slot: string) => {
    const loop = slot.split("#")[0];
    const id = /worker (\S+) serving loop/.exec(workers.get(slot)?.output() ?? "")?.[1];
    if (id === undefined) return { count: 0, nearDeath: false };
    const jobs = await redis.client.lrange(`stepgraph:{chain}:prod:loop:${loop}:processing:${id}`, 0, -1);
    // Deaths are counted per job text, under its SHA-1.
    const fields = jobs.map((job) => createHash("sha1").update(job).digest("hex"));
    const deaths = fields.length === 0 ? [] : await redis.client.hmget(`stepgraph:{chain}:prod:loop:${loop}:deaths`, ...fields);
    return { count: jobs.length, nearDeath: deaths.some((d) => Number(d ?? 0) >= 3) };
  };
  // Jobs arrive in bursts that the workers finish in a fraction of the time between them: a
  // kill at a random moment mostly finds its worker idle. So each kill waits (up to 1 s) for
  // a moment when some worker holds jobs, and takes a random one of those. It spares a
  // worker holding a job whose workers already died 3 times running it: one more death would
  // dead-letter that job by design (a node that crashes its worker), which is not what this
  // test is about, and aiming at busy workers makes it far likelier than chance would.
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
    // Jobs arrive over about 10 s while a worker is killed every 400-800 ms.
    const total = 3000;
    const ids: string[] = [];
    const submitting = (async () => {
      for (let n = 0; n < total; n += 150) {
        ids.push(...(await submit(manager, Array.from({ length: Math.min(150, total - n) }, (_, i) => ({ n: n + i })))));
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    })();
    let submitted = false;
    void submitting.then(() => (submitted = true));
    while (!submitted || kills < 12) {
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
    assert.ok(kills >= 12);
    assert.ok(midJobKills > 0, "some kill hit a worker in the middle of jobs");
    const reaped = everStarted.some((w) => /returned \d+ jobs? of a worker whose lease expired/.test(w.output()));
    assert.ok(reaped, "some worker returned the jobs of a killed one");
  } finally {
    close();
    assert.deepEqual(await stopWorkers([...workers.values()]), slots.map(() => 0));
  }
});

test("Redis restarted (AOF on) during a run: the workers reconnect, no worker exits, every job finishes exactly once", async () => {
  await redis.client.flushall();
  deploy("chain.graph", redis.url, ws);
  const workers = await Promise.all(LOOPS.map((loop) => startWorker(redis.url, ws, "chain", loop, { env: { STEPGRAPH_TEST_JITTER_MS: "40" } })));
  const { manager, close } = await queueManager(redis.url, "chain");
  try {
    const ids = await submit(manager, Array.from({ length: 2000 }, (_, n) => ({ n })));
    await new Promise((resolve) => setTimeout(resolve, 700));
    assert.ok((await manager.store.totals()).completed < 2000, "the restart happens mid-run");
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
