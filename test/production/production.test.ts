// Production mode end to end on one machine: deploy with the CLI, real worker processes,
// jobs submitted and awaited, a real redis-server the test started.
import assert from "node:assert/strict";
import { test } from "node:test";
import { startTestRedis } from "../redis-harness";
import type { CliResult } from "../helpers";
import type { VersionManifest } from "../../src/production/signed-version";
import { deploy, fileTestRedis, jsonLines, loopsWorkspace, queueManager, startWorker, stepgraph, stopWorkers, submit, superviseWorker, waitFor, waitForRest } from "./production-harness";

const LOOPS = ["first", "second", "third"];

const redis = fileTestRedis();

/** One clear line on stderr and no stack trace: a user's mistake, not a crash. */
function assertOneLine(result: CliResult, status: number, pattern: RegExp): void {
  assert.equal(result.status, status, `exit ${result.status}: ${result.stderr}`);
  assert.match(result.stderr, pattern);
  assert.doesNotMatch(result.stderr, /^\s+at /m);
}

test("deploy, one worker per loop, submit --wait --json: every job's result, and status counts them", async () => {
  const ws = loopsWorkspace();
  const deployed = JSON.parse(deploy("chain.graph", redis.url, ws).stdout) as { graph: string; version: number; loops: { name: string; workers: number }[] };
  assert.equal(deployed.graph, "chain");
  assert.deepEqual(deployed.loops.map((l) => l.name), ["first", "second", "third"]);
  const workers = await Promise.all(["first", "second", "third"].map((loop) => startWorker(redis.url, ws, "chain", loop)));
  try {
    const submitted = stepgraph(["submit", "chain", "--input", '{"n": 5}', "--count", "3", "--wait", "--json", "--timeout", "30"], redis.url, ws);
    assert.equal(submitted.status, 0, submitted.stderr);
    const lines = jsonLines(submitted);
    assert.equal(lines.length, 3);
    for (const line of lines) assert.deepEqual({ status: line.status, result: line.result }, { status: "done", result: { c: 11 } });
    assert.equal(new Set(lines.map((l) => l.id)).size, 3);

    const status = JSON.parse(stepgraph(["status", "chain", "--json"], redis.url, ws).stdout) as {
      activeVersion: number;
      submitted: number;
      completed: number;
      dead: number;
      loops: { name: string; done: number; workers: number; waiting: number; inFlight: number; throughput: number }[];
    };
    assert.equal(status.activeVersion, deployed.version);
    assert.deepEqual([status.submitted, status.completed, status.dead], [3, 3, 0]);
    for (const loop of status.loops) assert.deepEqual([loop.name, loop.done, loop.workers, loop.waiting, loop.inFlight], [loop.name, 3, 1, 0, 0]);
    assert.ok(status.loops[0].throughput > 0);
    const text = stepgraph(["status", "chain"], redis.url, ws).stdout;
    assert.match(text, /version \d+ active; submitted 3, completed 3, dead 0/);
    assert.match(text, /^second\s+0\s+0\s+0\s+3\s+0\s+0\s+1\s/m);

    // A second deploy is a new version; the running workers hear of it.
    const again = JSON.parse(deploy("chain.graph", redis.url, ws).stdout) as { version: number; loops: { workers: number }[] };
    assert.equal(again.version, deployed.version + 1);
    assert.deepEqual(again.loops.map((l) => l.workers), [1, 1, 1]);
    await waitFor(() => workers.every((w) => w.output().includes(`version ${again.version} is active`)), 5000, "workers to hear of the deploy");
  } finally {
    assert.deepEqual(await stopWorkers(workers), [0, 0, 0]);
  }
});

test("a loop with two upstream loops joins their parts; values of every kind arrive in the result", async () => {
  const ws = loopsWorkspace();
  deploy("fork.graph", redis.url, ws);
  const workers = await Promise.all(["lefts", "rights", "merge"].map((loop) => startWorker(redis.url, ws, "fork", loop)));
  try {
    const result = stepgraph(["submit", "fork", "--input", '{"n": 4}', "--count", "20", "--wait", "--json", "--timeout", "30"], redis.url, ws);
    assert.equal(result.status, 0, result.stderr);
    const lines = jsonLines(result);
    assert.equal(lines.length, 20);
    for (const line of lines) {
      assert.deepEqual(line.result, { sum: 13, info: { n: 4, at: "2026-01-01T00:00:00.000Z", tags: ["x", "y"], big: "400000000000000000000" } });
    }
    // The join parts are gone once joined.
    assert.deepEqual(await redis.client.keys("stepgraph:{fork}:prod:loop:merge:join:*"), []);
  } finally {
    await stopWorkers(workers);
  }
});

test("a job whose node always throws is dead after exactly its retries while the others flow; dead retry and drop", async () => {
  const ws = loopsWorkspace();
  deploy("poison.graph", redis.url, ws);
  const workers = await Promise.all(["checking", "finishing"].map((loop) => startWorker(redis.url, ws, "poison", loop)));
  const { manager, close } = await queueManager(redis.url, "poison");
  try {
    const ids = await submit(manager, Array.from({ length: 40 }, (_, i) => ({ n: i })));
    await waitForRest(manager, 30_000);
    const outcomes = await manager.outcomes(ids);
    assert.equal(outcomes.filter((o) => o.status === "done").length, 39);
    for (const [i, outcome] of outcomes.entries()) {
      if (i === 13) assert.deepEqual(outcome, { id: ids[13], status: "dead", error: { message: "refusing 13", node: "checked", loop: "checking", attempts: 3 } });
      else assert.deepEqual(outcome, { id: ids[i], status: "done", result: { out: i + 1 } });
    }
    const listed = JSON.parse(stepgraph(["dead", "poison", "list", "--json"], redis.url, ws).stdout) as { id: string; node: string; attempts: number; error: string; stack: string; state: Record<string, unknown> }[];
    assert.equal(listed.length, 1);
    assert.deepEqual([listed[0].id, listed[0].node, listed[0].attempts, listed[0].error], [ids[13], "checked", 3, "refusing 13"]);
    assert.match(listed[0].stack, /nodes\.ts:\d+/);
    assert.doesNotMatch(listed[0].stack, /\(node:/, "only the node's own frames: none of Node's or the worker's");
    assert.deepEqual(listed[0].state, { n: 13, poison: 13 });
    // Two failed attempts were retried, the third was the last.
    assert.equal((await manager.status()).loops.find((l) => l.name === "checking")?.failed, 2);
    assert.match(stepgraph(["dead", "poison"], redis.url, ws).stdout, new RegExp(`^${ids[13]}  checking/checked  3 attempts  .* refusing 13$`, "m"));

    // Retried, it fails its three attempts again and is dead once more: still one dead job.
    const retried = stepgraph(["dead", "poison", "retry", ids[13]], redis.url, ws);
    assert.equal(retried.status, 0, retried.stderr);
    await waitFor(async () => (await manager.status()).loops.find((l) => l.name === "checking")?.failed === 4, 10_000, "the retried job's attempts");
    await waitForRest(manager, 10_000);
    assert.equal((await manager.deadJobs()).length, 1);
    const dropped = stepgraph(["dead", "poison", "drop", ids[13]], redis.url, ws);
    assert.equal(dropped.status, 0, dropped.stderr);
    assert.deepEqual(await manager.deadJobs(), []);
    const totals = await manager.store.totals();
    assert.deepEqual(totals, { submitted: 40, completed: 39, dead: 1 });
    assertOneLine(stepgraph(["dead", "poison", "retry", ids[13]], redis.url, ws), 1, /no dead job/);
  } finally {
    close();
    await stopWorkers(workers);
  }
});

test("a tampered version is refused: a worker will not start on it, and a job of it goes dead", async () => {
  const ws = loopsWorkspace();
  const { version } = JSON.parse(deploy("slow.graph", redis.url, ws).stdout) as { version: number };
  const worker = await startWorker(redis.url, ws, "slow", "sleeping");
  const keys = (v: number) => `stepgraph:{slow}:prod:version:${v}`;
  try {
    // A forged version: the deployed one with its code changed, stored under another number, and a job of it.
    const stored = await redis.client.hgetall(keys(version));
    const forged = version + 100;
    await redis.client.hset(keys(forged), { ...stored, manifest: stored.manifest.replace(`"version":${version}`, `"version":${forged}`), artifact: stored.artifact.replace("resolve(ms)", "resolve(-1)") });
    const { manager, close } = await queueManager(redis.url, "slow");
    try {
      const manifest = (await manager.activeManifest()) as VersionManifest;
      const [id] = await manager.submit({ ...manifest, version: forged }, [{ ms: 1 }]);
      await waitForRest(manager, 20_000);
      const [outcome] = await manager.outcomes([id]);
      assert.equal(outcome.status, "dead");
      assert.match(outcome.status === "dead" ? outcome.error.message : "", new RegExp(`version ${forged} of graph 'slow' does not verify with this deploy key`));
    } finally {
      close();
    }

    // The active version itself changed in Redis: no worker starts on it.
    await redis.client.hset(keys(version), "artifact", stored.artifact.replace("resolve(ms)", "resolve(-1)"));
    assertOneLine(stepgraph(["worker", "--graph", "slow", "--loop", "sleeping"], redis.url, ws), 2, /version \d+ of graph 'slow' does not verify with this deploy key.*refused/);
    await redis.client.hset(keys(version), "artifact", stored.artifact);
    // Another key refuses the genuine version (and its pointer) too.
    assertOneLine(stepgraph(["worker", "--graph", "slow", "--loop", "sleeping"], redis.url, ws, { STEPGRAPH_DEPLOY_KEY: "another-key-0123456789" }), 2, /does not verify/);
  } finally {
    await stopWorkers([worker]);
  }
});

test("SIGTERM under load: workers finish or return every job and exit 0; nothing is lost", async () => {
  const ws = loopsWorkspace();
  deploy("slow.graph", redis.url, ws);
  const { manager, close } = await queueManager(redis.url, "slow");
  try {
    // Jobs of 150 ms with a long grace: in-flight jobs finish.
    let workers = await Promise.all([1, 2].map(() => startWorker(redis.url, ws, "slow", "sleeping")));
    await submit(manager, Array.from({ length: 300 }, () => ({ ms: 150 })));
    await waitFor(async () => (await manager.status()).loops[0].done >= 40, 20_000, "some jobs done");
    assert.deepEqual(await stopWorkers(workers), [0, 0]);
    let status = await manager.status();
    assert.equal(status.loops[0].inFlight, 0);
    assert.equal(status.loops[0].waiting + status.completed, 300, "every job is done or waiting");
    assert.match(workers[0].output(), /stopped: \d+ done, 0 retried, 0 dead; 0 returned to the queue/);
    workers = await Promise.all([1, 2].map(() => startWorker(redis.url, ws, "slow", "sleeping")));
    await waitForRest(manager, 30_000);
    assert.deepEqual(await stopWorkers(workers), [0, 0]);

    // Jobs of 3 s with a grace of 0.3 s: in-flight jobs go back to the queue.
    workers = [await startWorker(redis.url, ws, "slow", "sleeping", { args: ["--grace", "0.3"] })];
    await submit(manager, Array.from({ length: 30 }, () => ({ ms: 3000 })));
    await waitFor(async () => (await manager.status()).loops[0].inFlight > 0, 10_000, "jobs in flight");
    const stopped = Date.now();
    assert.deepEqual(await stopWorkers(workers), [0]);
    assert.ok(Date.now() - stopped < 3000, "the grace period, not the jobs, bounds the stop");
    assert.match(workers[0].output(), /; [1-9]\d* returned to the queue/);
    status = await manager.status();
    assert.equal(status.loops[0].inFlight, 0);
    assert.equal(status.loops[0].waiting + status.completed, 330);

    // Started again, the workers finish everything: submitted = completed + dead.
    workers = await Promise.all([1, 2].map(() => startWorker(redis.url, ws, "slow", "sleeping", { args: ["--concurrency", "40"] })));
    await waitForRest(manager, 30_000);
    assert.deepEqual(await manager.store.totals(), { submitted: 330, completed: 330, dead: 0 });
    await stopWorkers(workers);
  } finally {
    close();
  }
});

test("a password-protected Redis and an ACL user work for deploy, worker, submit and status; a wrong password is one line", async () => {
  const secured = await startTestRedis({ password: "s3cret pass" });
  try {
    await secured.client.call("ACL", "SETUSER", "stepgraph", "on", ">user-pass", "~*", "&*", "+@all");
    for (const url of [`redis://:${encodeURIComponent("s3cret pass")}@127.0.0.1:${secured.port}`, `redis://stepgraph:user-pass@127.0.0.1:${secured.port}`]) {
      const ws = loopsWorkspace();
      deploy("slow.graph", url, ws);
      const worker = await startWorker(url, ws, "slow", "sleeping");
      try {
        const result = stepgraph(["submit", "slow", "--input", '{"ms": 1}', "--wait", "--json", "--timeout", "20"], url, ws);
        assert.equal(result.status, 0, result.stderr);
        assert.deepEqual(jsonLines(result)[0].result, { slept: 1 });
        assert.doesNotMatch(worker.output(), /s3cret|user-pass/, "the password never shows in logs");
      } finally {
        await stopWorkers([worker]);
      }
    }
    const ws = loopsWorkspace();
    assertOneLine(stepgraph(["status", "slow"], `redis://:wrong@127.0.0.1:${secured.port}`, ws), 2, /^stepgraph: Redis at redis:\/\/:\*+@127\.0\.0\.1:\d+ does not answer/);
  } finally {
    await secured.stop();
  }
});

test("every mistake is one line and a non-zero exit", async () => {
  const ws = loopsWorkspace();
  const noKey = { STEPGRAPH_DEPLOY_KEY: "" };
  assertOneLine(stepgraph(["deploy", ws.path("chain.graph")], redis.url, ws, noKey), 2, /set STEPGRAPH_DEPLOY_KEY/);
  assertOneLine(stepgraph(["deploy", ws.path("chain.graph")], redis.url, ws, { STEPGRAPH_DEPLOY_KEY: "short" }), 2, /too short/);
  assertOneLine(stepgraph(["worker", "--graph", "chain", "--loop", "first"], redis.url, ws, noKey), 2, /set STEPGRAPH_DEPLOY_KEY/);
  ws.write("broken.graph", 'graph broken\nuse "./nodes.ts"\nnode a = nosuch(1)\n');
  const broken = stepgraph(["deploy", ws.path("broken.graph")], redis.url, ws);
  assert.equal(broken.status, 1);
  assert.match(broken.stderr, /broken\.graph:3:\d+: error SG\d+/);
  assertOneLine(stepgraph(["deploy", ws.path("missing.graph")], redis.url, ws), 2, /missing\.graph does not exist/);
  assertOneLine(stepgraph(["submit", "never_deployed"], redis.url, ws), 2, /graph 'never_deployed' has no deployed version/);
  assertOneLine(stepgraph(["worker", "--graph", "never_deployed", "--loop", "main"], redis.url, ws), 2, /no deployed version/);
  assertOneLine(stepgraph(["submit", "bad name"], redis.url, ws), 2, /is not a graph name/);
  deploy("chain.graph", redis.url, ws);
  assertOneLine(stepgraph(["worker", "--graph", "chain", "--loop", "nope"], redis.url, ws), 2, /has no loop 'nope' \(its loops: first, second, third\)/);
  assertOneLine(stepgraph(["worker", "--graph", "chain", "--loop", "first", "--concurrency", "0"], redis.url, ws), 2, /--concurrency must be a whole number/);
  assertOneLine(stepgraph(["submit", "chain"], redis.url, ws), 2, /lacks 'n'/);
  assertOneLine(stepgraph(["submit", "chain", "--input", '{"m": 1}'], redis.url, ws), 2, /does not declare: m/);
  assertOneLine(stepgraph(["submit", "chain", "--input", "{"], redis.url, ws), 2, /--input is not valid JSON/);
  assertOneLine(stepgraph(["submit", "chain", "--count=-3", "--input", '{"n":1}'], redis.url, ws), 2, /--count must be a whole number/);
  assertOneLine(stepgraph(["dead", "chain", "explode"], redis.url, ws), 2, /the action is list, retry ID or drop ID/);
  assertOneLine(stepgraph(["dead", "chain", "retry"], redis.url, ws), 2, /retry needs the job's ID/);
  assertOneLine(stepgraph(["status", "chain", "--redis", "private"], redis.url, ws), 2, /needs a Redis URL/);
  assertOneLine(stepgraph(["status", "chain", "--redis", "http://x"], redis.url, ws), 2, /redis:\/\/ or rediss:\/\//);
  const { freePort } = await import("../../src/store/private-redis");
  assertOneLine(stepgraph(["status", "chain", "--redis", `redis://127.0.0.1:${await freePort()}`], redis.url, ws), 2, /does not answer \(connection refused\)/);
  assert.match(stepgraph(["status", "never_deployed"], redis.url, ws).stdout, /graph never_deployed: not deployed/);
});

test("SIGTERM while Redis is away: the worker still exits 0, leaving its jobs to the reaper", async () => {
  const doomed = await startTestRedis();
  const ws = loopsWorkspace();
  deploy("slow.graph", doomed.url, ws);
  const worker = await startWorker(doomed.url, ws, "slow", "sleeping", { args: ["--grace", "0.5"] });
  await doomed.stop();
  await waitFor(() => worker.output().includes("lost Redis"), 10_000, "the worker to notice");
  const stopped = Date.now();
  assert.deepEqual(await stopWorkers([worker]), [0]);
  assert.ok(Date.now() - stopped < 9000, `stopped in ${Date.now() - stopped} ms`);
  assert.match(worker.output(), /could not return the jobs in flight \(Redis does not answer\)/);
});

test("jobs finish on the version they were submitted on, whatever is active when they run", async () => {
  const ws = loopsWorkspace();
  deploy("chain.graph", redis.url, ws);
  const { manager, close } = await queueManager(redis.url, "chain");
  try {
    const before = await submit(manager, [{ n: 1 }, { n: 2 }, { n: 3 }]);
    // Version 2: `dec` subtracts 2 instead of 1.
    ws.edit("nodes.ts", (text) => text.replace("return n - 1;", "return n - 2;"));
    assert.equal((JSON.parse(deploy("chain.graph", redis.url, ws).stdout) as { version: number }).version, 2);
    const after = await submit(manager, [{ n: 1 }, { n: 2 }, { n: 3 }]);
    const workers = await Promise.all(LOOPS.map((loop) => startWorker(redis.url, ws, "chain", loop)));
    try {
      await waitForRest(manager, 30_000);
      const results = (await manager.outcomes([...before, ...after])).map((o) => (o.status === "done" ? o.result.c : o.status));
      assert.deepEqual(results, [3, 5, 7, 2, 4, 6]);
    } finally {
      await stopWorkers(workers);
    }
  } finally {
    close();
  }
});

test("a job that crashes its worker every time is dead after its worker died more than 3 times; the others finish", async () => {
  const ws = loopsWorkspace();
  deploy("crash.graph", redis.url, ws);
  const { manager, close } = await queueManager(redis.url, "crash");
  // A supervisor, as in production: a worker that exits is started again.
  const { started, stop } = superviseWorker(redis.url, ws, "crash", "crashing");
  try {
    const ids = await submit(manager, Array.from({ length: 8 }, (_, n) => ({ n })));
    await waitForRest(manager, 90_000);
    const outcomes = await manager.outcomes(ids);
    assert.deepEqual(outcomes.filter((o) => o.status === "dead").map((o) => o.id), [ids[3]]);
    const [record] = await manager.deadJobs();
    assert.match(record.error, /its worker died \(or lost its lease\) while running it 4 times/);
    assert.equal(record.loop, "crashing");
    assert.deepEqual(await manager.store.totals(), { submitted: 8, completed: 7, dead: 1 });
    assert.ok(started.filter((w) => w.child.exitCode === 1).length >= 4, "the poison ended four workers");
    assert.ok(started.some((w) => /moved 1 job to the dead-letter list/.test(w.output())));
    // Every job left the loop: none keeps a deaths count.
    assert.equal(await redis.client.exists("stepgraph:{crash}:prod:loop:crashing:deaths"), 0);
  } finally {
    await stop();
    close();
  }
});
