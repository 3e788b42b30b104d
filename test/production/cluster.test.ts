// Production mode and the development cache on a Redis Cluster (docs/production.md,
// "Running on a Redis Cluster"): three primaries the harness starts on loopback ports, the
// URL given being that of a node that does not serve the graph (a plain client would get
// MOVED at its first command); and each mistake as one line.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import type { CliResult } from "../helpers";
import { runCli } from "../helpers";
import { startTestCluster, type ClusterNodeProcess, type TestCluster } from "../cluster-harness";
import { copyFixture } from "../runtime/workspace";
import { deploy, jsonLines, loopsWorkspace, startWorker, stepgraph, stopWorkers, waitFor } from "./production-harness";

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
