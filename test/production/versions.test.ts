// Deployed versions over time: how many Redis keeps, what workers hold in memory and on
// disk, the signed active-version pointer, and the deploy key kept from node code.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import Redis from "ioredis";
import { deployGraph } from "../../src/production/deploy";
import { QueueStore } from "../../src/store/queue-store";
import type { Workspace } from "../runtime/workspace";
import { deploy, DEPLOY_KEY, fileTestRedis, jsonLines, loopsWorkspace, queueManager, startWorker, stepgraph, stopWorkers, submit, waitFor, waitForRest } from "./production-harness";

const LOOPS = ["first", "second", "third"];

const redis = fileTestRedis();

/** Deploys `file` of `ws` in this process (as `stepgraph deploy` does), `times` times. */
async function deployTimes(ws: Workspace, file: string, times: number): Promise<void> {
  const stores: QueueStore[] = [];
  const openStore = async (graph: string) => {
    const store = await QueueStore.open(redis.url, graph);
    stores.push(store);
    return store;
  };
  try {
    for (let i = 0; i < times; i++) {
      await deployGraph({ file: ws.path(file), stateDir: ws.stateDir, deployKey: DEPLOY_KEY, openStore, warn: (line) => assert.fail(`unexpected warning: ${line}`) });
    }
  } finally {
    for (const store of stores) store.close();
  }
}

async function storedVersions(graph: string): Promise<number[]> {
  const keys = await redis.client.keys(`stepgraph:{${graph}}:prod:version:*`);
  return keys.map((key) => Number(key.slice(key.lastIndexOf(":") + 1))).sort((a, b) => a - b);
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

test("Redis keeps the last 10 versions and older ones while a job uses them; workers unload versions no job of theirs uses", async () => {
  const ws = loopsWorkspace();
  const { manager, close } = await queueManager(redis.url, "chain");
  try {
    deploy("chain.graph", redis.url, ws);
    const [early] = await submit(manager, [{ n: 1 }]);
    // Version 2 on: `dec` subtracts 2.
    ws.edit("nodes.ts", (text) => text.replace("return n - 1;", "return n - 2;"));
    await deployTimes(ws, "chain.graph", 11);
    // Version 1 is older than the last 10 (3 to 12), but its job waits: it stays.
    assert.deepEqual(await storedVersions("chain"), [1, ...range(3, 12)]);
    const workers = await Promise.all(LOOPS.map((loop) => startWorker(redis.url, ws, "chain", loop)));
    try {
      await waitForRest(manager, 20_000);
      assert.deepEqual(await manager.outcomes([early]), [{ id: early, status: "done", result: { c: 3 } }]);
      // Each worker loaded version 1 for that job and let go of it after.
      await waitFor(() => workers.every((w) => w.output().includes("unloaded version 1 (neither active nor used by a job in flight)")), 5000, "the workers to unload version 1");
      await deployTimes(ws, "chain.graph", 1);
      assert.deepEqual(await storedVersions("chain"), range(4, 13));
      await waitFor(() => workers.every((w) => w.output().includes("unloaded version 12")), 5000, "the workers to unload version 12");
      const [late] = await submit(manager, [{ n: 1 }]);
      await waitForRest(manager, 20_000);
      assert.deepEqual(await manager.outcomes([late]), [{ id: late, status: "done", result: { c: 2 } }]);
    } finally {
      assert.deepEqual(await stopWorkers(workers), [0, 0, 0]);
    }
  } finally {
    close();
  }
});

test("a dead job does not keep its version; `dead retry` puts it back on the active version", async () => {
  const ws = loopsWorkspace();
  deploy("poison.graph", redis.url, ws);
  const { manager, close } = await queueManager(redis.url, "poison");
  const workers = await Promise.all(["checking", "finishing"].map((loop) => startWorker(redis.url, ws, "poison", loop)));
  try {
    const ids = await submit(manager, [{ n: 13 }, { n: 1 }]);
    await waitForRest(manager, 20_000);
    assert.equal((await manager.deadJobs())[0].version, 1);
    // The fix: nothing is refused any more.
    ws.edit("nodes.ts", (text) => text.replace("if (n === poison)", "if (n === poison && n < 0)"));
    await deployTimes(ws, "poison.graph", 11);
    assert.deepEqual(await storedVersions("poison"), range(3, 12));
    const retried = stepgraph(["dead", "poison", "retry", ids[0]], redis.url, ws);
    assert.equal(retried.status, 0, retried.stderr);
    assert.equal(retried.stdout, `job ${ids[0]} is back in its queue (loop checking, on version 12, the active one)\n`);
    await waitForRest(manager, 20_000);
    assert.deepEqual(await manager.outcomes(ids), [
      { id: ids[0], status: "done", result: { out: 14 } },
      { id: ids[1], status: "done", result: { out: 2 } },
    ]);
  } finally {
    close();
    assert.deepEqual(await stopWorkers(workers), [0, 0]);
  }
});

test("a worker killed with SIGKILL leaves no artifact on disk", async () => {
  const ws = loopsWorkspace();
  const scratch = mkdtempSync(join(tmpdir(), "stepgraph-tmpdir-"));
  deploy("slow.graph", redis.url, ws);
  const worker = await startWorker(redis.url, ws, "slow", "sleeping", { env: { TMPDIR: scratch } });
  const { manager, close } = await queueManager(redis.url, "slow");
  try {
    await submit(manager, [{ ms: 1 }]);
    await waitForRest(manager, 10_000);
    worker.child.kill("SIGKILL");
    await worker.exited;
    assert.deepEqual(readdirSync(scratch), []);
  } finally {
    close();
  }
});

test("the active-version pointer is signed: a forged one is refused, an older signed one does not switch running workers back", async () => {
  const ws = loopsWorkspace();
  const listener = new Redis(redis.url);
  const control: string[] = [];
  listener.on("message", (_channel: string, text: string) => control.push(text));
  await listener.subscribe("stepgraph:{slow}:prod:control");
  const active = "stepgraph:{slow}:prod:active";
  try {
    deploy("slow.graph", redis.url, ws);
    await waitFor(() => control.length === 1, 5000, "the first activation");
    const firstPointer = (await redis.client.get(active)) as string;
    deploy("slow.graph", redis.url, ws);
    const worker = await startWorker(redis.url, ws, "slow", "sleeping");
    try {
      assert.match(worker.output(), /\(version 2,/);
      // Someone with write access to Redis (but not the key) puts version 1 back.
      await redis.client.set(active, firstPointer);
      await redis.client.publish("stepgraph:{slow}:prod:control", control[0]);
      await waitFor(() => worker.output().includes("refused"), 5000, "the worker to refuse the old pointer");
      assert.match(worker.output(), /the active-version pointer for version 1 \(sequence 1\) is older than the one this worker holds \(sequence 2\): refused/);
      assert.doesNotMatch(worker.output(), /version 1 is active/);
    } finally {
      assert.deepEqual(await stopWorkers([worker]), [0]);
    }
    // A pointer that does not verify, or one that is not signed at all: no worker starts on it.
    await redis.client.set(active, firstPointer.replace('"version":1', '"version":2'));
    const forged = stepgraph(["worker", "--graph", "slow", "--loop", "sleeping"], redis.url, ws);
    assert.equal(forged.status, 2);
    assert.match(forged.stderr, /^stepgraph: worker: the active-version pointer of graph 'slow' does not verify with this deploy key \(tampered, or written with another key\): refused\n$/);
    await redis.client.set(active, "2");
    const unsigned = stepgraph(["worker", "--graph", "slow", "--loop", "sleeping"], redis.url, ws);
    assert.equal(unsigned.status, 2);
    assert.match(unsigned.stderr, /the active-version pointer of graph 'slow' is not a signed pointer/);
    // submit has no key: it takes the version the pointer names, and says so when it cannot read one.
    const submitted = stepgraph(["submit", "slow", "--input", '{"ms": 1}'], redis.url, ws);
    assert.equal(submitted.status, 2);
    assert.match(submitted.stderr, /^stepgraph: the active-version pointer of graph 'slow' is not a signed pointer/);
  } finally {
    listener.disconnect();
  }
});

test("node code sees no deploy key: not in its environment, nor a child process's or a worker thread's", async () => {
  const ws = loopsWorkspace();
  deploy("secrets.graph", redis.url, ws);
  const worker = await startWorker(redis.url, ws, "secrets", "looking");
  try {
    const result = stepgraph(["submit", "secrets", "--input", '{"n": 1}', "--wait", "--json", "--timeout", "20"], redis.url, ws);
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(jsonLines(result)[0].result, { seen: { n: 1, env: null, child: "none", thread: null } });
  } finally {
    assert.deepEqual(await stopWorkers([worker]), [0]);
  }
});

test("surrounding whitespace of the deploy key does not count: a key deployed padded verifies on a worker given it bare", async () => {
  const ws = loopsWorkspace();
  const padded = stepgraph(["deploy", ws.path("slow.graph")], redis.url, ws, { STEPGRAPH_DEPLOY_KEY: `  ${DEPLOY_KEY}\n` });
  assert.equal(padded.status, 0, padded.stderr);
  const worker = await startWorker(redis.url, ws, "slow", "sleeping");
  try {
    const result = stepgraph(["submit", "slow", "--input", '{"ms": 1}', "--wait", "--json", "--timeout", "20"], redis.url, ws);
    assert.deepEqual(jsonLines(result)[0].result, { slept: 1 });
  } finally {
    assert.deepEqual(await stopWorkers([worker]), [0]);
  }
  const short = stepgraph(["deploy", ws.path("slow.graph")], redis.url, ws, { STEPGRAPH_DEPLOY_KEY: `   ${"k".repeat(15)}   ` });
  assert.equal(short.status, 2);
  assert.match(short.stderr, /too short/);
});
