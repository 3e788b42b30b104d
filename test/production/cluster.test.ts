// Production mode and the development cache on a Redis Cluster (docs/production.md,
// "Running on a Redis Cluster"): three primaries the harness starts on loopback ports, the
// URL given being that of a node that does not serve the graph (a plain client would get
// MOVED at its first command). The production suite's core: a chain, a join, dead letters
// retried and dropped, workers killed with SIGKILL, the graph's slot moved to another node
// mid-run; and each mistake as one line.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, beforeEach, describe, test } from "node:test";
import type { CliResult } from "../helpers";
import { runCli } from "../helpers";
import { startTestCluster, type ClusterNodeProcess, type TestCluster } from "../cluster-harness";
import { copyFixture } from "../runtime/workspace";
import { deploy, jsonLines, loopsWorkspace, queueManager, startWorker, stepgraph, stopWorkers, submit, waitFor, waitForRest, type WorkerProcess } from "./production-harness";
import type { QueueManager } from "../../src/production/queue-manager";

const CHAIN_LOOPS = ["first", "second", "third"];

let cluster: TestCluster;
before(async () => (cluster = await startTestCluster()));
after(() => cluster.stop());
beforeEach(() => cluster.flushAll());

/** The URL of a node that does not serve `graph`'s keys. */
async function urlAwayFrom(graph: string): Promise<string> {
  const home = await cluster.nodeOf(`stepgraph:{${graph}}:prod:totals`);
  return cluster.urlOf(cluster.nodes.find((node) => node !== home) as ClusterNodeProcess);
}

/** The nodes that hold keys of `graph`. */
async function nodesHolding(graph: string): Promise<number[]> {
  const counts = await Promise.all(cluster.nodes.map(async (node) => (await node.client.keys(`stepgraph:{${graph}}:*`)).length));
  return cluster.nodes.filter((_, i) => counts[i] > 0).map((node) => node.port);
}

/** One clear line on stderr and no stack trace: a user's mistake, not a crash. */
function assertOneLine(result: CliResult, status: number, pattern: RegExp): void {
  assert.equal(result.status, status, `exit ${result.status}: ${result.stderr}`);
  assert.match(result.stderr, pattern);
  assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
  assert.doesNotMatch(result.stderr, /^\s+at |internal error/m);
}

/** Every job of the chain graph once: right result, written by one commit, committed once by each loop; no job left in a list. */
async function assertChainExactlyOnce(manager: QueueManager, ids: readonly string[], input: (i: number) => number): Promise<void> {
  assert.deepEqual(await manager.store.totals(), { submitted: ids.length, completed: ids.length, dead: 0 });
  const outcomes = await manager.outcomes(ids);
  const wrong = outcomes.filter((o, i) => o.status !== "done" || o.result.c !== 2 * (input(i) + 1) - 1);
  assert.deepEqual(wrong.slice(0, 5), [], `${wrong.length} jobs without their right result`);
  const parts = await Promise.all(ids.map((id) => cluster.client.hget(`stepgraph:{chain}:prod:result:${id}`, "parts")));
  assert.deepEqual(parts.map((p, i) => [ids[i], p]).filter(([, p]) => p !== "1"), [], "each result is written by exactly one commit");
  const status = await manager.status();
  for (const loop of status.loops) assert.deepEqual([loop.name, loop.done, loop.waiting, loop.inFlight, loop.delayed], [loop.name, ids.length, 0, 0, 0], "each loop commits each job once");
  const home = await cluster.nodeOf("stepgraph:{chain}:prod:totals");
  assert.deepEqual(await home.client.keys("stepgraph:{chain}:prod:loop:*:processing:*"), []);
}

test("deploy, workers and submit --wait through a node that does not serve the graph: every result; status counts them; a deploy reaches the workers", async () => {
  const ws = loopsWorkspace();
  const url = await urlAwayFrom("chain");
  const deployed = JSON.parse(deploy("chain.graph", url, ws).stdout) as { version: number };
  const workers = await Promise.all(CHAIN_LOOPS.map((loop) => startWorker(url, ws, "chain", loop)));
  try {
    const submitted = stepgraph(["submit", "chain", "--input", '{"n": 5}', "--count", "20", "--wait", "--json", "--timeout", "30"], url, ws);
    assert.equal(submitted.status, 0, submitted.stderr);
    const lines = jsonLines(submitted);
    assert.equal(lines.length, 20);
    for (const line of lines) assert.deepEqual({ status: line.status, result: line.result }, { status: "done", result: { c: 11 } });
    const status = JSON.parse(stepgraph(["status", "chain", "--json"], url, ws).stdout) as { submitted: number; completed: number; loops: { name: string; done: number; workers: number; throughput: number }[] };
    assert.deepEqual([status.submitted, status.completed], [20, 20]);
    for (const loop of status.loops) assert.deepEqual([loop.name, loop.done, loop.workers], [loop.name, 20, 1]);
    assert.ok(status.loops[0].throughput > 0);
    // The control channel (pub/sub) spans the cluster.
    const again = JSON.parse(deploy("chain.graph", url, ws).stdout) as { version: number; loops: { workers: number }[] };
    assert.equal(again.version, deployed.version + 1);
    await waitFor(() => workers.every((w) => w.output().includes(`version ${again.version} is active`)), 10_000, "workers to hear of the deploy");
    assert.equal((await nodesHolding("chain")).length, 1, "the graph lives on one node: one slot");
  } finally {
    assert.deepEqual(await stopWorkers(workers), [0, 0, 0]);
  }
});

test("a loop with two upstream loops joins their parts on a cluster", async () => {
  const ws = loopsWorkspace();
  const url = await urlAwayFrom("fork");
  deploy("fork.graph", url, ws);
  const workers = await Promise.all(["lefts", "rights", "merge"].map((loop) => startWorker(url, ws, "fork", loop)));
  try {
    const result = stepgraph(["submit", "fork", "--input", '{"n": 4}', "--count", "20", "--wait", "--json", "--timeout", "30"], url, ws);
    assert.equal(result.status, 0, result.stderr);
    const lines = jsonLines(result);
    assert.equal(lines.length, 20);
    for (const line of lines) assert.deepEqual(line.result, { sum: 13, info: { n: 4, at: "2026-01-01T00:00:00.000Z", tags: ["x", "y"], big: "400000000000000000000" } });
    const home = await cluster.nodeOf("stepgraph:{fork}:prod:totals");
    assert.deepEqual(await home.client.keys("stepgraph:{fork}:prod:loop:merge:join:*"), [], "the join parts are gone once joined");
  } finally {
    assert.deepEqual(await stopWorkers(workers), [0, 0, 0]);
  }
});

test("dead letters on a cluster: dead after its retries while the others flow; dead list, retry and drop", async () => {
  const ws = loopsWorkspace();
  const url = await urlAwayFrom("poison");
  deploy("poison.graph", url, ws);
  const workers = await Promise.all(["checking", "finishing"].map((loop) => startWorker(url, ws, "poison", loop)));
  const { manager, close } = await queueManager(url, "poison");
  try {
    const ids = await submit(manager, Array.from({ length: 30 }, (_, i) => ({ n: i })));
    await waitForRest(manager, 30_000);
    const outcomes = await manager.outcomes(ids);
    assert.deepEqual(outcomes[13], { id: ids[13], status: "dead", error: { message: "refusing 13", node: "checked", loop: "checking", attempts: 3 } });
    assert.equal(outcomes.filter((o) => o.status === "done").length, 29);
    const listed = JSON.parse(stepgraph(["dead", "poison", "list", "--json"], url, ws).stdout) as { id: string; attempts: number; state: Record<string, unknown> }[];
    assert.deepEqual(listed.map((r) => [r.id, r.attempts, r.state]), [[ids[13], 3, { n: 13, poison: 13 }]]);
    const retried = stepgraph(["dead", "poison", "retry", ids[13]], url, ws);
    assert.equal(retried.status, 0, retried.stderr);
    await waitFor(async () => (await manager.status()).loops.find((l) => l.name === "checking")?.failed === 4, 10_000, "the retried job's attempts");
    await waitForRest(manager, 10_000);
    assert.equal((await manager.deadJobs()).length, 1);
    const dropped = stepgraph(["dead", "poison", "drop", ids[13]], url, ws);
    assert.equal(dropped.status, 0, dropped.stderr);
    assert.deepEqual(await manager.deadJobs(), []);
    assert.deepEqual(await manager.store.totals(), { submitted: 30, completed: 29, dead: 1 });
  } finally {
    close();
    assert.deepEqual(await stopWorkers(workers), [0, 0]);
  }
});

test("workers killed with SIGKILL at random moments on a cluster: every result exactly once and right", async () => {
  const ws = loopsWorkspace();
  const url = await urlAwayFrom("chain");
  deploy("chain.graph", url, ws);
  const env = { STEPGRAPH_TEST_JITTER_MS: "20" };
  const workers = new Map<string, WorkerProcess>();
  const everStarted: WorkerProcess[] = [];
  const start = async (loop: string) => {
    const worker = await startWorker(url, ws, "chain", loop, { env });
    workers.set(loop, worker);
    everStarted.push(worker);
  };
  await Promise.all(CHAIN_LOOPS.map(start));
  const { manager, close } = await queueManager(url, "chain");
  const home = await cluster.nodeOf("stepgraph:{chain}:prod:totals");
  /** Whether the worker of `loop` holds jobs, and whether one of them saw 3 deaths already (a 4th would dead-letter it by design). */
  const held = async (loop: string) => {
    const id = /worker (\S+) serving loop/.exec(workers.get(loop)?.output() ?? "")?.[1];
    const jobs = id === undefined ? [] : await home.client.lrange(`stepgraph:{chain}:prod:loop:${loop}:processing:${id}`, 0, -1);
    const deaths = jobs.length === 0 ? [] : await home.client.hmget(`stepgraph:{chain}:prod:loop:${loop}:deaths`, ...jobs.map((job) => createHash("sha1").update(job).digest("hex")));
    return { busy: jobs.length > 0, nearDeath: deaths.some((d) => Number(d ?? 0) >= 3) };
  };
  try {
    const total = 600;
    const ids: string[] = [];
    const submitting = (async () => {
      for (let n = 0; n < total; n += 100) {
        ids.push(...(await submit(manager, Array.from({ length: 100 }, (_, i) => ({ n: n + i })))));
        await new Promise((resolve) => setTimeout(resolve, 400));
      }
    })();
    let midJobKills = 0;
    for (let kill = 0; kill < 4; kill++) {
      await new Promise((resolve) => setTimeout(resolve, 300 + Math.random() * 400));
      // Aimed at a busy worker where there is one (a kill at a random moment mostly finds them idle).
      let victim = CHAIN_LOOPS[Math.floor(Math.random() * CHAIN_LOOPS.length)];
      for (const deadline = Date.now() + 1000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 10))) {
        const holdings = await Promise.all(CHAIN_LOOPS.map(held));
        const busy = CHAIN_LOOPS.filter((_, i) => holdings[i].busy && !holdings[i].nearDeath);
        if (busy.length > 0) {
          victim = busy[Math.floor(Math.random() * busy.length)];
          midJobKills++;
          break;
        }
      }
      workers.get(victim)?.child.kill("SIGKILL");
      await workers.get(victim)?.exited;
      await start(victim);
    }
    await submitting;
    await waitForRest(manager, 60_000);
    await assertChainExactlyOnce(manager, ids, (i) => i);
    assert.ok(midJobKills > 0, "some kill hit a worker in the middle of jobs");
    assert.ok(everStarted.some((w) => /returned \d+ jobs? of a worker whose lease expired/.test(w.output())), "some worker returned the jobs of a killed one");
  } finally {
    close();
    assert.deepEqual(await stopWorkers([...workers.values()]), CHAIN_LOOPS.map(() => 0));
  }
});

test("the graph's slot moved to another node mid-run (MOVED, ASK, TRYAGAIN): the workers follow it and every job finishes exactly once", async () => {
  const ws = loopsWorkspace();
  const url = await urlAwayFrom("chain");
  deploy("chain.graph", url, ws);
  const workers = await Promise.all(CHAIN_LOOPS.map((loop) => startWorker(url, ws, "chain", loop, { env: { STEPGRAPH_TEST_JITTER_MS: "20" } })));
  const { manager, close } = await queueManager(url, "chain");
  try {
    const from = await cluster.nodeOf("stepgraph:{chain}:prod:totals");
    const to = cluster.nodes.find((node) => node !== from) as ClusterNodeProcess;
    // Jobs keep coming (20 every 100 ms) until the move is over: it happens mid-run.
    const ids: string[] = [];
    let moving = true;
    const submitting = (async () => {
      while (moving) {
        ids.push(...(await submit(manager, Array.from({ length: 20 }, (_, i) => ({ n: ids.length + i })))));
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    await waitFor(async () => (await manager.store.totals()).completed > 50, 20_000, "the run to be under way");
    const submittedBefore = ids.length;
    await cluster.moveSlotOf("stepgraph:{chain}:prod:totals", to, { batch: 3, pauseMs: 50 });
    moving = false;
    await submitting;
    assert.ok(ids.length > submittedBefore, "jobs were submitted while the slot moved");
    assert.equal(await cluster.nodeOf("stepgraph:{chain}:prod:totals"), to);
    // Jobs submitted after the move reach the new node too.
    ids.push(...(await submit(manager, Array.from({ length: 60 }, (_, i) => ({ n: ids.length + i })))));
    await waitForRest(manager, 60_000);
    await assertChainExactlyOnce(manager, ids, (i) => i);
    assert.deepEqual(await nodesHolding("chain"), [to.port]);
    for (const worker of workers) {
      assert.equal(worker.child.exitCode, null, `worker still running: ${worker.output()}`);
      // Redirections are followed, never reported: no outage, no error.
      assert.doesNotMatch(worker.output(), /lost Redis|internal error|MOVED|ASK |TRYAGAIN/);
    }
  } finally {
    close();
    assert.deepEqual(await stopWorkers(workers), [0, 0, 0]);
  }
});

describe("the development cache on a cluster", () => {
  const run = (ws: ReturnType<typeof copyFixture>, url: string) =>
    runCli(["run", ws.path("pipeline.graph"), "--json", "--input", '{"n": 3}', "--redis", url], { cwd: ws.dir, env: { ...process.env, STEPGRAPH_STATE_DIR: ws.stateDir } });
  const statuses = (result: CliResult) => {
    assert.equal(result.status, 0, result.stderr);
    return Object.fromEntries((JSON.parse(result.stdout) as { nodes: { name: string; status: string }[] }).nodes.map((n) => [n.name, n.status]));
  };

  test("stepgraph run --redis URL twice: the second run is served from the cache; cache clear finds the graph's entries on its node", async () => {
    const ws = copyFixture("pipeline");
    const home = await cluster.nodeOf("stepgraph:{pipeline}:cache:x");
    const url = cluster.urlOf(cluster.nodes.find((node) => node !== home) as ClusterNodeProcess);
    assert.deepEqual(statuses(run(ws, url)), { doubled: "ran", squared: "ran", shout: "ran", total: "ran", stamp: "ran" });
    assert.deepEqual(statuses(run(ws, url)), { doubled: "cached", squared: "cached", shout: "cached", total: "cached", stamp: "ran" });
    assert.equal((await home.client.keys("stepgraph:{pipeline}:cache:*")).length, 4);
    const cleared = runCli(["cache", "clear", ws.path("pipeline.graph"), "--redis", url], { cwd: ws.dir });
    assert.equal(cleared.status, 0, cleared.stderr);
    assert.match(cleared.stdout, /^cleared 4 cached outputs of graph 'pipeline'/);
    assert.equal(statuses(run(ws, url)).total, "ran");
  });
});

describe("a cluster that is not working is one clear line", () => {
  test("servers in cluster mode whose cluster was never formed", async () => {
    const unformed = await startTestCluster({ primaries: 1, form: false });
    try {
      const ws = loopsWorkspace();
      const notWorking = /runs in cluster mode, but its cluster is not working \(cluster_state:fail, 0 of 16384 slots assigned\)/;
      assertOneLine(stepgraph(["deploy", ws.path("chain.graph")], unformed.url, ws), 2, notWorking);
      assertOneLine(stepgraph(["status", "chain"], unformed.url, ws), 2, notWorking);
      const pipeline = copyFixture("pipeline");
      assertOneLine(runCli(["run", pipeline.path("pipeline.graph"), "--input", '{"n": 3}', "--redis", unformed.url], { cwd: pipeline.dir, env: { ...process.env, STEPGRAPH_STATE_DIR: pipeline.stateDir } }), 2, notWorking);
    } finally {
      await unformed.stop();
    }
  });

  test("a node of the cluster down: the one serving the graph, then the one named by the URL", async () => {
    const own = await startTestCluster({ nodeTimeoutMs: 1000 });
    try {
      const ws = loopsWorkspace();
      const home = await own.nodeOf("stepgraph:{chain}:prod:totals");
      const other = own.nodes.find((node) => node !== home) as ClusterNodeProcess;
      deploy("chain.graph", own.urlOf(other), ws);
      await home.kill();
      // Before the others count it as failed, and after: either way, one line.
      assertOneLine(stepgraph(["status", "chain"], own.urlOf(other), ws), 2, /does not answer|cluster is not working/);
      await waitFor(async () => /cluster_state:fail/.test((await other.client.cluster("INFO")) as string), 10_000, "the cluster to count the node as failed");
      assertOneLine(stepgraph(["status", "chain"], own.urlOf(other), ws), 2, /cluster is not working \(cluster_state:fail/);
      assertOneLine(stepgraph(["status", "chain"], own.urlOf(home), ws), 2, /does not answer \(connection refused\)/);
    } finally {
      await own.stop();
    }
  });
});
