// Errors that are a job's or a node's, not an outage: the worker dead-letters the job (or
// logs the stray error against its node) and goes on serving the others.
import assert from "node:assert/strict";
import { test } from "node:test";
import { deploy, fileTestRedis, jsonLines, loopsWorkspace, queueManager, startWorker, stepgraph, stopWorkers, submit, waitFor, waitForRest } from "./production-harness";
import type { VersionManifest } from "../../src/production/signed-version";
import { resolveJobInput } from "../../src/runtime/job-input";

const LOOPS = ["first", "second", "third"];

const redis = fileTestRedis();

test("a job holding a value that does not decode goes to the dead-letter list with the reason; the worker serves the next jobs", async () => {
  const ws = loopsWorkspace();
  deploy("chain.graph", redis.url, ws);
  const workers = await Promise.all(LOOPS.map((loop) => startWorker(redis.url, ws, "chain", loop)));
  const { manager, close } = await queueManager(redis.url, "chain");
  try {
    const [id] = await submit(manager, [{ n: 1 }]);
    await waitForRest(manager, 20_000);
    // The same job again, its value damaged on the way (as a bug or a hand-written job would).
    const now = Date.now();
    const damaged = JSON.stringify({ id: "damaged-1", v: 1, t: now, q: now, values: { n: "[not devalue" } });
    await redis.client.multi().hincrby("stepgraph:{chain}:prod:totals", "submitted", 1).lpush("stepgraph:{chain}:prod:loop:first:waiting", damaged).exec();
    await waitForRest(manager, 20_000);
    const [record] = await manager.deadJobs();
    assert.equal(record.id, "damaged-1");
    assert.equal(record.loop, "first");
    assert.match(record.error, /the value 'n' of job damaged-1 cannot be decoded/);
    assert.deepEqual(record.state, { n: "(undecodable)" });
    // Not retried (it would fail the same way) and not taken for an outage.
    assert.equal(record.attempts, 1);
    assert.doesNotMatch(workers[0].output(), /lost Redis/);
    const [next] = await submit(manager, [{ n: 2 }]);
    await waitForRest(manager, 20_000);
    assert.deepEqual((await manager.outcomes([id, next])).map((o) => o.status === "done" && o.result.c), [3, 5]);
  } finally {
    close();
    assert.deepEqual(await stopWorkers(workers), [0, 0, 0]);
  }
});

test("a version whose artifact throws when loaded: its jobs go dead with the reason, a worker will not start on it, the others go on", async () => {
  const ws = loopsWorkspace();
  deploy("chain.graph", redis.url, ws);
  const workers = await Promise.all(LOOPS.map((loop) => startWorker(redis.url, ws, "chain", loop)));
  const { manager, close } = await queueManager(redis.url, "chain");
  try {
    const good = (await manager.activeManifest()) as VersionManifest;
    deploy("loadfail.graph", redis.url, ws);
    await waitFor(() => workers[0].output().includes("version 2 is active, but this worker refuses it"), 10_000, "the workers to refuse version 2");
    assert.match(workers[0].output(), /version 2 of graph 'chain' cannot be loaded: its node code throws: Error: this module refuses to load/);
    const result = stepgraph(["submit", "chain", "--input", '{"n": 1}', "--wait", "--json", "--timeout", "15"], redis.url, ws);
    assert.equal(result.status, 1, result.stderr);
    const [line] = jsonLines(result);
    assert.equal(line.status, "dead");
    assert.match(String((line.error as { message: string }).message), /cannot be loaded: its node code throws: Error: this module refuses to load/);
    // Jobs of the version that loads still flow.
    const [id] = await manager.submit(good, [resolveJobInput(good.graph, { n: 1 })]);
    await waitForRest(manager, 20_000);
    assert.deepEqual(await manager.outcomes([id]), [{ id, status: "done", result: { c: 3 } }]);
    const refused = stepgraph(["worker", "--graph", "chain", "--loop", "first"], redis.url, ws);
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /^stepgraph: worker: version 2 of graph 'chain' cannot be loaded: its node code throws: Error: this module refuses to load\n$/);
  } finally {
    close();
    assert.deepEqual(await stopWorkers(workers), [0, 0, 0]);
  }
});

test("node names that are members of Object.prototype work end to end in production", async () => {
  const ws = loopsWorkspace();
  deploy("proto.graph", redis.url, ws);
  const workers = await Promise.all(LOOPS.map((loop) => startWorker(redis.url, ws, "proto", loop)));
  try {
    const result = stepgraph(["submit", "proto", "--input", '{"n": 1}', "--count", "3", "--wait", "--json", "--timeout", "20"], redis.url, ws);
    assert.equal(result.status, 0, result.stderr);
    const lines = jsonLines(result);
    assert.equal(lines.length, 3);
    for (const line of lines) {
      assert.equal(line.status, "done", JSON.stringify(line));
      const resultValues = line.result as Record<string, unknown>;
      assert.deepEqual(Object.entries(resultValues).sort(), [
        ["__proto__", 7],
        ["constructor", 6],
        ["hasOwnProperty", 6],
        ["valueOf", 4],
      ]);
    }
  } finally {
    assert.deepEqual(await stopWorkers(workers), [0, 0, 0]);
  }
});

test("a stray rejected promise or a throwing timer in node code is logged against its node and job; the worker lives on", async () => {
  const ws = loopsWorkspace();
  deploy("stray.graph", redis.url, ws);
  const worker = await startWorker(redis.url, ws, "stray", "straying");
  const { manager, close } = await queueManager(redis.url, "stray");
  try {
    const ids = await submit(manager, [{ n: 1, how: "reject" }, { n: 2, how: "timer" }, ...Array.from({ length: 20 }, (_, i) => ({ n: 10 + i }))]);
    await waitForRest(manager, 20_000);
    await waitFor(() => /stray timer of 2/.test(worker.output()), 5000, "the timer's error in the log");
    assert.equal(worker.child.exitCode, null, worker.output());
    assert.match(worker.output(), new RegExp(`job ${ids[0]} strayed: a promise it left behind was rejected: Error: stray rejection of 1\\n`));
    assert.match(worker.output(), new RegExp(`job ${ids[1]} strayed: a callback it left behind threw: Error: stray timer of 2\\n`));
    const outcomes = await manager.outcomes(ids);
    assert.deepEqual(outcomes.map((o) => o.status), ids.map(() => "done"));
    // Still serving.
    const [later] = await submit(manager, [{ n: 99 }]);
    await waitForRest(manager, 10_000);
    assert.deepEqual(await manager.outcomes([later]), [{ id: later, status: "done", result: { strayed: 99 } }]);
  } finally {
    close();
    assert.deepEqual(await stopWorkers([worker]), [0]);
  }
});
