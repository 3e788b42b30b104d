// How a worker stops, and what it does when part of it fails: a job that reaches a worker's
// list after it left, a second SIGTERM, a lease keeper thread that dies, a --grace too long.
import assert from "node:assert/strict";
import { test } from "node:test";
import { deploy, fileTestRedis, loopsWorkspace, queueManager, startWorker, stepgraph, stopWorkers, submit, waitFor, waitForRest, type WorkerProcess } from "./production-harness";

const redis = fileTestRedis();

function workerId(worker: WorkerProcess): string {
  const match = /worker (\S+) serving loop/.exec(worker.output());
  assert.ok(match, worker.output());
  return match[1];
}

test("a job moved into a worker's list after it released (a BLMOVE Redis ran late) is returned by the reaper, not stranded", async () => {
  const ws = loopsWorkspace();
  deploy("slow.graph", redis.url, ws);
  const { manager, close } = await queueManager(redis.url, "slow");
  const late = redis.client.duplicate();
  late.on("error", () => undefined);
  let others: WorkerProcess[] = [];
  try {
    const leaving = await startWorker(redis.url, ws, "slow", "sleeping");
    const processing = `stepgraph:{slow}:prod:loop:sleeping:processing:${workerId(leaving)}`;
    assert.deepEqual(await stopWorkers([leaving]), [0]);
    // The leaving worker's blocking take, as Redis runs it after the release.
    const moved = late.blmove("stepgraph:{slow}:prod:loop:sleeping:waiting", processing, "RIGHT", "LEFT", 10);
    await waitFor(async () => ((await redis.client.client("LIST")) as string).includes("cmd=blmove"), 5000, "the late BLMOVE to block");
    const [id] = await submit(manager, [{ ms: 1 }]);
    assert.ok(await moved);
    assert.equal(await redis.client.llen(processing), 1);
    others = [await startWorker(redis.url, ws, "slow", "sleeping")];
    await waitForRest(manager, 10_000);
    assert.deepEqual(await manager.outcomes([id]), [{ id, status: "done", result: { slept: 1 } }]);
    assert.equal(await redis.client.exists("stepgraph:{slow}:prod:loop:sleeping:deaths"), 0, "a job that arrived late is no death");
    assert.equal((await manager.status()).loops[0].workers, 1, "the worker that left is not counted alive");
  } finally {
    late.disconnect();
    close();
    await stopWorkers(others);
  }
});

test("a second SIGTERM while stopping does not kill the worker: it still finishes or returns its jobs and exits 0", async () => {
  const ws = loopsWorkspace();
  deploy("slow.graph", redis.url, ws);
  const { manager, close } = await queueManager(redis.url, "slow");
  try {
    const worker = await startWorker(redis.url, ws, "slow", "sleeping", { args: ["--grace", "1"] });
    await submit(manager, Array.from({ length: 5 }, () => ({ ms: 3000 })));
    await waitFor(async () => (await manager.status()).loops[0].inFlight === 5, 10_000, "jobs in flight");
    worker.child.kill("SIGTERM");
    await waitFor(() => worker.output().includes("SIGTERM: taking no more jobs"), 5000, "the first SIGTERM");
    worker.child.kill("SIGTERM");
    worker.child.kill("SIGINT");
    assert.equal(await worker.exited, 0, worker.output());
    assert.match(worker.output(), /; 5 returned to the queue/);
    const status = await manager.status();
    assert.deepEqual([status.loops[0].inFlight, status.loops[0].waiting], [0, 5]);
  } finally {
    close();
  }
});

test("a lease keeper thread that dies is noticed and started again: the worker keeps its lease and its jobs", async () => {
  const ws = loopsWorkspace();
  deploy("threads.graph", redis.url, ws);
  const { manager, close } = await queueManager(redis.url, "threads");
  const worker = await startWorker(redis.url, ws, "threads", "ending");
  try {
    const [id] = await submit(manager, [{ n: 0 }]);
    await waitForRest(manager, 10_000);
    assert.deepEqual(await manager.outcomes([id]), [{ id, status: "done", result: { ended: 1 } }], worker.output());
    await waitFor(() => /the lease keeper thread stopped .*; started it again/.test(worker.output()), 5000, "the worker to notice");
    // Longer than a lease lasts unrenewed: the lease is still held.
    await new Promise((resolve) => setTimeout(resolve, 4500));
    assert.equal(await redis.client.get(`stepgraph:{threads}:prod:loop:ending:lease:${workerId(worker)}`), "1");
    assert.equal((await manager.status()).loops[0].workers, 1);
  } finally {
    close();
    assert.deepEqual(await stopWorkers([worker]), [0]);
  }
});

test("a --grace longer than a timer can wait is one line and exit 2", () => {
  const ws = loopsWorkspace();
  const result = stepgraph(["worker", "--graph", "slow", "--loop", "sleeping", "--grace", "3000000"], redis.url, ws);
  assert.equal(result.status, 2, result.stderr);
  assert.match(result.stderr, /--grace is at most 2147483 seconds/);
  assert.doesNotMatch(result.stderr, /^\s+at /m);
});
