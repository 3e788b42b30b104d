// Partitioned graphs on one Redis (docs/production.md, "Partitions"): `graph NAME
// [partitions: N]` spreads a graph's jobs round-robin over N hash tags, each job keeping its
// partition from submit to result; every worker serves every partition, fairly; status sums
// them (per partition in --json); results, dead letters, version GC and redeploys that
// change the count work across them. Real worker processes, a redis-server of the file's own.
import assert from "node:assert/strict";
import { test } from "node:test";
import { partitionKeyPrefix } from "../../src/store/keys";
import type { GraphStatus } from "../../src/production/queue-manager";
import type { Workspace } from "../runtime/workspace";
import { deploy, fileTestRedis, jsonLines, loopsWorkspace, queueManager, startWorker, stepgraph, stopWorkers, submit, waitFor, waitForRest } from "./production-harness";

const CHAIN_LOOPS = ["first", "second", "third"];

const redis = fileTestRedis();

/** The loops workspace with `file`'s graph spread over `partitions` partitions. */
function partitioned(ws: Workspace, file: string, partitions: number): Workspace {
  ws.edit(file, (text) => text.replace(/^graph (\w+).*$/m, `graph $1 [partitions: ${partitions}]`));
  return ws;
}

/** `key` (a production key of `graph`, after `prod:`) in partition `p`. */
const keyOf = (graph: string, p: number, key: string) => `${partitionKeyPrefix(graph, p)}prod:${key}`;

function statusOf(ws: Workspace, graph: string): GraphStatus {
  const result = stepgraph(["status", graph, "--json"], redis.url, ws);
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as GraphStatus;
}

test("a chain on 4 partitions: jobs spread round-robin and keep their partition to the result; status sums the partitions; nothing is left behind", async () => {
  const ws = partitioned(loopsWorkspace(), "chain.graph", 4);
  deploy("chain.graph", redis.url, ws);
  // Two workers per loop: each serves all four partitions.
  const workers = await Promise.all(CHAIN_LOOPS.flatMap((loop) => [startWorker(redis.url, ws, "chain", loop), startWorker(redis.url, ws, "chain", loop)]));
  const { manager, close } = await queueManager(redis.url, "chain");
  try {
    assert.match(workers[0].output(), /serving loop 'first' of 'chain' \(version 1, concurrency 20, 4 partitions\)/);
    const ids = await submit(manager, Array.from({ length: 400 }, (_, n) => ({ n })));
    // Job number K goes to partition K mod 4, and says so in its id.
    assert.deepEqual(ids.slice(0, 5), ["1@1", "2@2", "3@3", "4@0", "5@1"]);
    assert.equal(new Set(ids).size, 400);
    await waitForRest(manager, 30_000);
    const outcomes = await manager.outcomes(ids);
    const wrong = outcomes.filter((o, n) => o.status !== "done" || o.result.c !== 2 * (n + 1) - 1);
    assert.deepEqual(wrong.slice(0, 3), [], `${wrong.length} jobs without their right result`);
    // Each result is in its job's partition, written by one commit.
    for (const [i, id] of ids.entries()) {
      const p = Number(id.split("@")[1]);
      assert.equal(await redis.client.hget(keyOf("chain", p, `result:${id}`), "parts"), "1", `job ${i}`);
    }
    const status = statusOf(ws, "chain");
    assert.deepEqual([status.partitions, status.submitted, status.completed, status.dead], [4, 400, 400, 0]);
    for (const loop of status.loops) {
      assert.deepEqual([loop.name, loop.done, loop.waiting, loop.inFlight, loop.workers], [loop.name, 400, 0, 0, 2]);
      assert.deepEqual(
        loop.partitions.map((p) => [p.partition, p.done, p.workers]),
        [0, 1, 2, 3].map((p) => [p, 100, 2]),
        `${loop.name} per partition`,
      );
    }
    assert.match(stepgraph(["status", "chain"], redis.url, ws).stdout, /version 1 active, 4 partitions \(summed below\); submitted 400, completed 400, dead 0/);
    for (let p = 0; p < 4; p++) {
      assert.deepEqual(await redis.client.hgetall(keyOf("chain", p, "totals")), { submitted: "100", completed: "100" }, `partition ${p}'s totals`);
    }
    // The versions, the active pointer and the counters stay under the graph's own tag.
    for (const key of ["active", "versions", "version:1", "job-seq", "partitions"]) assert.equal(await redis.client.exists(`stepgraph:{chain}:prod:${key}`), 1, key);
    assert.deepEqual(await redis.client.keys("stepgraph:{chain*}:prod:loop:*:processing:*"), []);
    assert.deepEqual(await redis.client.keys("stepgraph:{chain*}:prod:loop:*:waiting"), []);

    // submit --wait waits on each partition's notify list.
    const waited = stepgraph(["submit", "chain", "--input", '{"n": 5}', "--count", "10", "--wait", "--json", "--timeout", "30"], redis.url, ws);
    assert.equal(waited.status, 0, waited.stderr);
    const lines = jsonLines(waited);
    assert.deepEqual(lines.map((l) => [l.status, l.result]), lines.map(() => ["done", { c: 11 }]));
    assert.deepEqual(new Set(lines.map((l) => String(l.id).split("@")[1])), new Set(["0", "1", "2", "3"]));
  } finally {
    close();
    assert.deepEqual(await stopWorkers(workers), workers.map(() => 0));
  }
});

test("a join on 3 partitions: the parts of a job meet in its partition", async () => {
  const ws = partitioned(loopsWorkspace(), "fork.graph", 3);
  deploy("fork.graph", redis.url, ws);
  const workers = await Promise.all(["lefts", "rights", "merge"].map((loop) => startWorker(redis.url, ws, "fork", loop)));
  try {
    const result = stepgraph(["submit", "fork", "--input", '{"n": 4}', "--count", "30", "--wait", "--json", "--timeout", "30"], redis.url, ws);
    assert.equal(result.status, 0, result.stderr);
    const lines = jsonLines(result);
    assert.equal(lines.length, 30);
    for (const line of lines) assert.deepEqual(line.result, { sum: 13, info: { n: 4, at: "2026-01-01T00:00:00.000Z", tags: ["x", "y"], big: "400000000000000000000" } });
    const status = statusOf(ws, "fork");
    const merge = status.loops.find((l) => l.name === "merge");
    assert.deepEqual(merge?.partitions.map((p) => p.done), [10, 10, 10]);
    assert.deepEqual(await redis.client.keys("stepgraph:{fork*}:prod:loop:merge:join:*"), [], "the join parts are gone once joined");
  } finally {
    assert.deepEqual(await stopWorkers(workers), [0, 0, 0]);
  }
});

test("dead letters across partitions: each dead in its partition after its retries; dead list shows them all; retry and drop find them by id", async () => {
  // Jobs 4, 14 and 24 (inputs 3, 13 and 23 made 13: poisoned) land in partitions 1, 2 and 0.
  const ws = partitioned(loopsWorkspace(), "poison.graph", 3);
  deploy("poison.graph", redis.url, ws);
  const workers = await Promise.all(["checking", "finishing"].map((loop) => startWorker(redis.url, ws, "poison", loop)));
  const { manager, close } = await queueManager(redis.url, "poison");
  try {
    const ids = await submit(manager, Array.from({ length: 30 }, (_, i) => ({ n: i % 10 === 3 ? 13 : i })));
    await waitForRest(manager, 30_000);
    const dead = ids.filter((_, i) => i % 10 === 3);
    assert.deepEqual(dead, ["4@1", "14@2", "24@0"]);
    const outcomes = await manager.outcomes(dead);
    for (const outcome of outcomes) assert.deepEqual(outcome.status === "dead" ? outcome.error : outcome, { message: "refusing 13", node: "checked", loop: "checking", attempts: 3 });
    const listed = JSON.parse(stepgraph(["dead", "poison", "list", "--json"], redis.url, ws).stdout) as { id: string }[];
    assert.deepEqual(listed.map((r) => r.id).sort(), [...dead].sort());
    const byPartition = dead.map((id) => Number(id.split("@")[1]));
    for (const [k, id] of dead.entries()) assert.equal(await redis.client.hexists(keyOf("poison", byPartition[k], "dead"), id), 1, `${id} in its partition's dead letters`);
    const status = statusOf(ws, "poison");
    assert.deepEqual([status.submitted, status.completed, status.dead], [30, 27, 3]);

    const retried = stepgraph(["dead", "poison", "retry", dead[0]], redis.url, ws);
    assert.equal(retried.status, 0, retried.stderr);
    assert.match(retried.stdout, new RegExp(`job ${dead[0]} is back in its queue \\(loop checking`));
    await waitFor(async () => (await manager.status()).loops.find((l) => l.name === "checking")?.failed === 3 * 2 + 2, 10_000, "the retried job's attempts");
    await waitForRest(manager, 10_000);
    assert.equal((await manager.deadJobs()).length, 3);
    for (const id of dead) assert.equal(stepgraph(["dead", "poison", "drop", id], redis.url, ws).status, 0, id);
    assert.deepEqual(await manager.deadJobs(), []);
    assert.deepEqual(await manager.totals(), { submitted: 30, completed: 27, dead: 3 });
    // An id of a partition the graph has not, or not an id at all: no such dead job.
    for (const id of ["4@7", "x@1", dead[0]]) {
      const missing = stepgraph(["dead", "poison", "retry", id], redis.url, ws);
      assert.equal(missing.status, 1, id);
      assert.match(missing.stderr, new RegExp(`no dead job '${id}' in poison`));
    }
  } finally {
    close();
    assert.deepEqual(await stopWorkers(workers), [0, 0]);
  }
});

test("one worker of concurrency 1 serves 4 partitions fairly: each comes first in turn", async () => {
  const ws = partitioned(loopsWorkspace(), "chain.graph", 4);
  deploy("chain.graph", redis.url, ws);
  const { manager, close } = await queueManager(redis.url, "chain");
  // 50 jobs waiting in each partition before any worker runs.
  await submit(manager, Array.from({ length: 200 }, (_, n) => ({ n })));
  const worker = await startWorker(redis.url, ws, "chain", "first", { args: ["--concurrency", "1"] });
  try {
    await waitFor(async () => (await manager.status()).loops[0].done >= 60, 20_000, "60 jobs done");
    const first = (await manager.status()).loops[0];
    const total = first.partitions.reduce((sum, p) => sum + p.done, 0);
    for (const p of first.partitions) assert.ok(Math.abs(p.done - total / 4) <= 2, `partition ${p.partition}: ${p.done} of ${total}`);
  } finally {
    close();
    assert.deepEqual(await stopWorkers([worker]), [0]);
  }
});

test("a redeploy that spreads the graph over more partitions while jobs run: running workers serve them all; one of fewer leaves every partition served", async () => {
  const ws = loopsWorkspace();
  deploy("chain.graph", redis.url, ws);
  const env = { STEPGRAPH_TEST_JITTER_MS: "20" };
  // The last loop's worker comes later: version 1's jobs wait for it across both redeploys.
  const workers = await Promise.all(["first", "second"].map((loop) => startWorker(redis.url, ws, "chain", loop, { env })));
  const { manager, close } = await queueManager(redis.url, "chain");
  try {
    // Version 1, one partition: plain ids, under the graph's own tag.
    const early = await submit(manager, Array.from({ length: 300 }, (_, n) => ({ n })));
    assert.deepEqual(early.slice(0, 2), ["1", "2"]);
    partitioned(ws, "chain.graph", 4);
    deploy("chain.graph", redis.url, ws);
    assert.equal((await manager.totals()).completed, 0, "version 1's jobs are unfinished at the redeploy");
    await waitFor(() => workers.every((w) => w.output().includes("serving 4 partitions (was 1)")), 10_000, "the workers to serve the new partitions");
    const spread = await submit(manager, Array.from({ length: 300 }, (_, n) => ({ n: 300 + n })));
    assert.deepEqual(new Set(spread.map((id) => id.split("@")[1])), new Set(["0", "1", "2", "3"]));
    // Fewer partitions: new jobs use the first two, and every partition is still served and counted.
    partitioned(ws, "chain.graph", 2);
    deploy("chain.graph", redis.url, ws);
    const narrow = await submit(manager, Array.from({ length: 100 }, (_, n) => ({ n: 600 + n })));
    assert.deepEqual(new Set(narrow.map((id) => id.split("@")[1])), new Set(["0", "1"]));
    const late = await startWorker(redis.url, ws, "chain", "third", { env });
    workers.push(late);
    assert.match(late.output(), /serving loop 'third' of 'chain' \(version 3, concurrency 20, 4 partitions\)/);
    await waitForRest(manager, 60_000);
    const ids = [...early, ...spread, ...narrow];
    const outcomes = await manager.outcomes(ids);
    const wrong = outcomes.filter((o, n) => o.status !== "done" || o.result.c !== 2 * (n + 1) - 1);
    assert.deepEqual(wrong.slice(0, 3), [], `${wrong.length} jobs without their right result`);
    const status = await manager.status();
    assert.deepEqual([status.partitions, status.submitted, status.completed], [4, 700, 700]);
    for (const loop of status.loops) assert.deepEqual([loop.name, loop.done, loop.waiting, loop.inFlight], [loop.name, 700, 0, 0]);
    assert.deepEqual(
      status.loops[0].partitions.map((p) => p.done),
      [300 + 75 + 50, 75 + 50, 75, 75],
    );
  } finally {
    close();
    assert.deepEqual(await stopWorkers(workers), workers.map(() => 0));
  }
});

test("a due retry that no live worker scheduled (its worker died) is moved back within about a second", async () => {
  const ws = partitioned(loopsWorkspace(), "chain.graph", 4);
  deploy("chain.graph", redis.url, ws);
  const { manager, close } = await queueManager(redis.url, "chain");
  const [id] = await submit(manager, [{ n: 20 }]);
  assert.equal(id, "1@1");
  // As a worker that died would have left it: in partition 1's delayed set, due already.
  const job = (await redis.client.rpop(keyOf("chain", 1, "loop:first:waiting"))) as string;
  await redis.client.zadd(keyOf("chain", 1, "loop:first:delayed"), Date.now() - 1000, job);
  const workers = await Promise.all(CHAIN_LOOPS.map((loop) => startWorker(redis.url, ws, "chain", loop)));
  try {
    const started = Date.now();
    await waitForRest(manager, 5000);
    assert.ok(Date.now() - started < 2500, `done after ${Date.now() - started} ms`);
    assert.deepEqual(await manager.outcomes([id]), [{ id, status: "done", result: { c: 41 } }]);
  } finally {
    close();
    assert.deepEqual(await stopWorkers(workers), [0, 0, 0]);
  }
});

test("an idle worker that comes to serve more partitions waits on the new ones at once: a job in a new partition alone is taken", async () => {
  const ws = loopsWorkspace();
  deploy("chain.graph", redis.url, ws);
  const workers = await Promise.all(CHAIN_LOOPS.map((loop) => startWorker(redis.url, ws, "chain", loop)));
  const { manager, close } = await queueManager(redis.url, "chain");
  try {
    partitioned(ws, "chain.graph", 2);
    deploy("chain.graph", redis.url, ws);
    await waitFor(() => workers.every((w) => w.output().includes("serving 2 partitions (was 1)")), 10_000, "the workers to serve 2 partitions");
    // The graph's first job: number 1, so partition 1, where nothing was before.
    const [id] = await submit(manager, [{ n: 1 }]);
    assert.equal(id, "1@1");
    await waitForRest(manager, 5000);
    assert.deepEqual(await manager.outcomes([id]), [{ id, status: "done", result: { c: 3 } }]);
  } finally {
    close();
    assert.deepEqual(await stopWorkers(workers), [0, 0, 0]);
  }
});
