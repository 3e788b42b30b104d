// A partitioned graph on a Redis Cluster (docs/production.md, "Partitions"): three
// primaries the harness starts on loopback ports; the chain spread over 4 partitions, whose
// hash tags land on more than one primary (CLUSTER KEYSLOT, and which node holds them).
// Workers killed with SIGKILL mid-run: every job exactly once, each in its own partition; a
// join and dead letters across the nodes; and what an idle worker costs there.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { after, before, beforeEach, test } from "node:test";
import { partitionKeyPrefix } from "../../src/store/keys";
import type { QueueManager } from "../../src/production/queue-manager";
import { startTestCluster, type ClusterNodeProcess, type TestCluster } from "../cluster-harness";
import type { Workspace } from "../runtime/workspace";
import { deploy, jsonLines, loopsWorkspace, queueManager, startWorker, stepgraph, stopWorkers, submit, waitFor, waitForRest, type WorkerProcess } from "./production-harness";

const CHAIN_LOOPS = ["first", "second", "third"];
const PARTITIONS = 4;

let cluster: TestCluster;
before(async () => (cluster = await startTestCluster()));
after(() => cluster.stop());
beforeEach(() => cluster.flushAll());

const partitionKey = (graph: string, p: number, key: string) => `${partitionKeyPrefix(graph, p)}prod:${key}`;
const partitionOf = (id: string) => Number(id.split("@")[1]);

function partitioned(file: string, partitions: number): Workspace {
  const ws = loopsWorkspace();
  ws.edit(file, (text) => text.replace(/^graph (\w+)$/m, `graph $1 [partitions: ${partitions}]`));
  return ws;
}

/** The node serving each partition of `graph`. */
function partitionNodes(graph: string, partitions: number): Promise<ClusterNodeProcess[]> {
  return Promise.all(Array.from({ length: partitions }, (_, p) => cluster.nodeOf(partitionKey(graph, p, "totals"))));
}

/** The ports of the nodes holding keys of `graph`'s partitions. */
async function nodesHolding(graph: string): Promise<number[]> {
  const counts = await Promise.all(cluster.nodes.map(async (node) => (await node.client.keys(`stepgraph:{${graph}*}:prod:*`)).length));
  return cluster.nodes.filter((_, i) => counts[i] > 0).map((node) => node.port);
}

/** Every job of the chain once: right result, written by one commit in its partition, committed once by each loop in it; no job left in a list. */
async function assertChainExactlyOnce(manager: QueueManager, ids: readonly string[]): Promise<void> {
  assert.deepEqual(await manager.totals(), { submitted: ids.length, completed: ids.length, dead: 0 });
  const outcomes = await manager.outcomes(ids);
  const wrong = outcomes.filter((o, i) => o.status !== "done" || o.result.c !== 2 * (i + 1) - 1);
  assert.deepEqual(wrong.slice(0, 5), [], `${wrong.length} jobs without their right result`);
  const parts = await Promise.all(ids.map((id) => cluster.client.hget(partitionKey("chain", partitionOf(id), `result:${id}`), "parts")));
  assert.deepEqual(parts.map((p, i) => [ids[i], p]).filter(([, p]) => p !== "1"), [], "each result is written by exactly one commit, in its job's partition");
  const status = await manager.status();
  for (const loop of status.loops) {
    assert.deepEqual([loop.name, loop.done, loop.waiting, loop.inFlight, loop.delayed], [loop.name, ids.length, 0, 0, 0], "each loop commits each job once");
    assert.deepEqual(loop.partitions.map((p) => p.done), Array.from({ length: PARTITIONS }, (_, p) => ids.filter((id) => partitionOf(id) === p).length));
  }
  for (const node of cluster.nodes) assert.deepEqual(await node.client.keys("stepgraph:{chain*}:prod:loop:*:processing:*"), [], `node ${node.port}`);
}

test("a chain on 4 partitions spread over the primaries: workers killed with SIGKILL mid-run, every job exactly once in its own partition", async () => {
  const ws = partitioned("chain.graph", PARTITIONS);
  const slots = await Promise.all(Array.from({ length: PARTITIONS }, (_, p) => cluster.client.cluster("KEYSLOT", partitionKey("chain", p, "totals")) as Promise<number>));
  assert.equal(new Set(slots).size, PARTITIONS, `one slot per partition: ${slots.join(", ")}`);
  const homes = await partitionNodes("chain", PARTITIONS);
  assert.ok(new Set(homes).size >= 2, `the partitions' slots are served by ${new Set(homes).size} primaries`);
  deploy("chain.graph", cluster.url, ws);
  const env = { STEPGRAPH_TEST_JITTER_MS: "20" };
  const workers = new Map<string, WorkerProcess>();
  const everStarted: WorkerProcess[] = [];
  const start = async (loop: string) => {
    const worker = await startWorker(cluster.url, ws, "chain", loop, { env });
    workers.set(loop, worker);
    everStarted.push(worker);
  };
  await Promise.all(CHAIN_LOOPS.map(start));
  const { manager, close } = await queueManager(cluster.url, "chain");
  /** Whether the worker of `loop` holds jobs in any partition, and whether one of them saw 3 deaths already (a 4th would dead-letter it by design). */
  const held = async (loop: string) => {
    const id = /worker (\S+) serving loop/.exec(workers.get(loop)?.output() ?? "")?.[1];
    let busy = false;
    let nearDeath = false;
    for (let p = 0; p < PARTITIONS && id !== undefined; p++) {
      const jobs = await cluster.client.lrange(partitionKey("chain", p, `loop:${loop}:processing:${id}`), 0, -1);
      busy ||= jobs.length > 0;
      const deaths = jobs.length === 0 ? [] : await cluster.client.hmget(partitionKey("chain", p, `loop:${loop}:deaths`), ...jobs.map((job) => createHash("sha1").update(job).digest("hex")));
      nearDeath ||= deaths.some((d) => Number(d ?? 0) >= 3);
    }
    return { busy, nearDeath };
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
    await assertChainExactlyOnce(manager, ids);
    assert.ok(midJobKills > 0, "some kill hit a worker in the middle of jobs");
    assert.ok(everStarted.some((w) => /returned \d+ jobs? of a worker whose lease expired/.test(w.output())), "some worker returned the jobs of a killed one");
    // The results sit on the primaries of their partitions: more than one holds the graph.
    assert.deepEqual(await nodesHolding("chain"), [...new Set(homes)].map((n) => n.port).sort((a, b) => cluster.nodes.findIndex((x) => x.port === a) - cluster.nodes.findIndex((x) => x.port === b)));
    for (const [p, node] of homes.entries()) assert.equal(await node.client.exists(partitionKey("chain", p, "totals")), 1, `partition ${p} on node ${node.port}`);

    // submit --wait through a node: each partition's notify list on its own primary.
    const waited = stepgraph(["submit", "chain", "--input", '{"n": 5}', "--count", "8", "--wait", "--json", "--timeout", "30"], cluster.url, ws);
    assert.equal(waited.status, 0, waited.stderr);
    assert.deepEqual(jsonLines(waited).map((l) => [l.status, l.result]), Array.from({ length: 8 }, () => ["done", { c: 11 }]));
  } finally {
    close();
    assert.deepEqual(await stopWorkers([...workers.values()]), CHAIN_LOOPS.map(() => 0));
  }
});

test("a join and dead letters on 3 partitions over the primaries: joined in each job's partition; dead list, retry and drop across the nodes", async () => {
  const fork = partitioned("fork.graph", 3);
  deploy("fork.graph", cluster.url, fork);
  const poison = partitioned("poison.graph", 3);
  deploy("poison.graph", cluster.url, poison);
  assert.ok(new Set(await partitionNodes("fork", 3)).size >= 2);
  assert.ok(new Set(await partitionNodes("poison", 3)).size >= 2);
  const workers = await Promise.all([
    ...["lefts", "rights", "merge"].map((loop) => startWorker(cluster.url, fork, "fork", loop)),
    ...["checking", "finishing"].map((loop) => startWorker(cluster.url, poison, "poison", loop)),
  ]);
  const { manager, close } = await queueManager(cluster.url, "poison");
  try {
    const joined = stepgraph(["submit", "fork", "--input", '{"n": 4}', "--count", "12", "--wait", "--json", "--timeout", "30"], cluster.url, fork);
    assert.equal(joined.status, 0, joined.stderr);
    for (const line of jsonLines(joined)) assert.deepEqual(line.result, { sum: 13, info: { n: 4, at: "2026-01-01T00:00:00.000Z", tags: ["x", "y"], big: "400000000000000000000" } });
    for (const node of cluster.nodes) assert.deepEqual(await node.client.keys("stepgraph:{fork*}:prod:loop:merge:join:*"), [], "the join parts are gone once joined");

    // Jobs 4, 14 and 24 (inputs made 13: poisoned) die in partitions 1, 2 and 0.
    const ids = await submit(manager, Array.from({ length: 30 }, (_, i) => ({ n: i % 10 === 3 ? 13 : i })));
    await waitForRest(manager, 30_000);
    const dead = ["4@1", "14@2", "24@0"];
    const listed = JSON.parse(stepgraph(["dead", "poison", "list", "--json"], cluster.url, poison).stdout) as { id: string }[];
    assert.deepEqual(listed.map((r) => r.id).sort(), [...dead].sort());
    assert.equal((await manager.outcomes(ids)).filter((o) => o.status === "done").length, 27);
    const retried = stepgraph(["dead", "poison", "retry", dead[1]], cluster.url, poison);
    assert.equal(retried.status, 0, retried.stderr);
    await waitFor(async () => (await manager.status()).loops.find((l) => l.name === "checking")?.failed === 3 * 2 + 2, 10_000, "the retried job's attempts");
    await waitForRest(manager, 10_000);
    for (const id of dead) assert.equal(stepgraph(["dead", "poison", "drop", id], cluster.url, poison).status, 0, id);
    assert.deepEqual(await manager.deadJobs(), []);
    assert.deepEqual(await manager.totals(), { submitted: 30, completed: 27, dead: 3 });
  } finally {
    close();
    assert.deepEqual(await stopWorkers(workers), workers.map(() => 0));
  }
});

/** The CPU time (user + system, every thread) a process has used, in seconds. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

test("an idle worker serving 4 partitions on 3 primaries costs next to no CPU and about 10 commands a second per partition", async () => {
  const ws = partitioned("chain.graph", PARTITIONS);
  deploy("chain.graph", cluster.url, ws);
  const worker = await startWorker(cluster.url, ws, "chain", "first");
  try {
    // Settled: connected to every primary its partitions live on, lease held in each.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const commands = async () => {
      const infos = await Promise.all(cluster.nodes.map((node) => node.client.info("stats")));
      return infos.reduce((sum, info) => sum + Number(/total_commands_processed:(\d+)/.exec(info)?.[1] ?? 0), 0);
    };
    const [cpu, count, at] = [cpuSeconds(worker.child.pid as number), await commands(), Date.now()];
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const seconds = (Date.now() - at) / 1000;
    const cpuShare = (cpuSeconds(worker.child.pid as number) - cpu) / seconds;
    const perSecond = ((await commands()) - count - 3) / seconds;
    // Measured: about 1 % of a core (mostly Node's own timers and the lease thread) and 41 commands a second.
    assert.ok(cpuShare < 0.05, `idle worker CPU: ${(cpuShare * 100).toFixed(1)} % of a core`);
    assert.ok(perSecond < 15 * PARTITIONS, `idle worker: ${perSecond.toFixed(0)} commands a second on the cluster`);
  } finally {
    assert.deepEqual(await stopWorkers([worker]), [0]);
  }
});
