// Capture points (docs/production.md, "Capture points"): `stepgraph capture NAME NODE` makes
// the live workers record the node's calls without stopping them, into a capped stream in
// Redis, and prints the records as they arrive. Real worker processes, a real redis-server.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { CliResult } from "../helpers";
import { copyFixture, type Workspace } from "../runtime/workspace";
import { endCapture, startCapture as startCaptureProcess, type CaptureProcess } from "./capture-process";
import { deploy, fileTestRedis, loopsWorkspace, queueManager, startWorker, stepgraph, stopWorkers, submit, waitFor, waitForRest, type WorkerProcess } from "./production-harness";

const redis = fileTestRedis();

/** Starts `stepgraph capture ARGS` and resolves once it says every live worker has the capture point. */
function startCapture(ws: Workspace, args: readonly string[]): Promise<CaptureProcess> {
  return startCaptureProcess(redis.url, ws, args);
}

interface CaptureRecord {
  job: string;
  node: string;
  worker: string;
  attempt: number;
  durationMs: number;
  args: unknown[];
  output?: unknown;
  error?: { message: string };
}

function records(capture: CaptureProcess): CaptureRecord[] {
  return capture
    .stdout()
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as CaptureRecord);
}

/** The keys of the graph's capture points in Redis (the points, their streams, the registry). */
async function captureKeys(graph: string): Promise<string[]> {
  return redis.client.keys(`*{${graph}}*capture*`);
}

function assertOneLine(result: CliResult, pattern: RegExp): void {
  assert.equal(result.status, 2, `exit ${result.status}: ${result.stderr}`);
  assert.match(result.stderr, pattern);
  assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
  assert.doesNotMatch(result.stderr, /^\s+at /m);
}

async function chainWorkers(ws: Workspace): Promise<WorkerProcess[]> {
  deploy("chain.graph", redis.url, ws);
  return Promise.all(["first", "second", "second", "third"].map((loop) => startWorker(redis.url, ws, "chain", loop)));
}

test("capture --count N --json: exactly N records of the node's calls (arguments, output, job, worker, duration), then exit 0; the jobs all finish", async () => {
  const ws = loopsWorkspace();
  const workers = await chainWorkers(ws);
  const { manager, close } = await queueManager(redis.url, "chain");
  let capture: CaptureProcess | undefined;
  try {
    capture = await startCapture(ws, ["chain", "b", "--count", "3", "--json"]);
    assert.match(capture.stderr(), /^capturing b of chain on 2 workers$/m);
    const ids = await submit(manager, [1, 2, 3, 4, 5, 6].map((n) => ({ n })));
    assert.equal(await capture.exited, 0, capture.stderr());
    const got = records(capture);
    assert.equal(got.length, 3, capture.stdout());
    for (const record of got) {
      assert.equal(record.node, "b");
      assert.ok(ids.includes(record.job), record.job);
      // b = double(a), a = n + 1.
      assert.equal(typeof record.args[0], "number");
      assert.equal(record.output, 2 * (record.args[0] as number));
      assert.equal(record.attempt, 1);
      assert.ok(record.durationMs >= 0);
      assert.ok(workers.some((w) => w.output().includes(`worker ${record.worker} serving loop 'second'`)), record.worker);
    }
    assert.equal(new Set(got.map((r) => r.job)).size, 3);
    await waitForRest(manager, 30_000);
    assert.deepEqual(await manager.store.totals(), { submitted: 6, completed: 6, dead: 0 });
    assert.deepEqual(await captureKeys("chain"), []);
  } finally {
    close();
    if (capture) await endCapture(capture);
    assert.deepEqual(await stopWorkers(workers), [0, 0, 0, 0]);
  }
});

test("capture --where CONDITION records only the calls whose arguments satisfy it; the text form names job, worker and values", async () => {
  const ws = loopsWorkspace();
  const workers = await chainWorkers(ws);
  const { manager, close } = await queueManager(redis.url, "chain");
  let capture: CaptureProcess | undefined;
  try {
    capture = await startCapture(ws, ["chain", "b", "--count", "3", "--where", "a > 4 and a != 6"]);
    // a = n + 1: 2 ... 9; a > 4 and not 6: 5, 7, 8, 9; the first three recorded.
    await submit(manager, [1, 2, 3, 4, 5, 6, 7, 8].map((n) => ({ n })));
    assert.equal(await capture.exited, 0, capture.stderr());
    const lines = capture.stdout().trim().split("\n");
    assert.equal(lines.length, 3, capture.stdout());
    for (const line of lines) {
      const match = /^job (\S+) on (\S+) \(attempt 1, [\d.]+ ms\): b\((\d+)\) = (\d+)$/.exec(line);
      assert.ok(match, line);
      const a = Number(match[3]);
      assert.ok(a > 4 && a !== 6, line);
      assert.equal(Number(match[4]), 2 * a);
    }
    await waitForRest(manager, 30_000);
  } finally {
    close();
    if (capture) await endCapture(capture);
    assert.deepEqual(await stopWorkers(workers), [0, 0, 0, 0]);
  }
});

test("two captures at once, on nodes of different loops: each gets its own node's records", async () => {
  const ws = loopsWorkspace();
  const workers = await chainWorkers(ws);
  const { manager, close } = await queueManager(redis.url, "chain");
  const captures: CaptureProcess[] = [];
  try {
    captures.push(await startCapture(ws, ["chain", "a", "--count", "2", "--json"]));
    captures.push(await startCapture(ws, ["chain", "c", "--count", "2", "--json"]));
    await submit(manager, [{ n: 10 }, { n: 20 }]);
    assert.deepEqual(await Promise.all(captures.map((c) => c.exited)), [0, 0]);
    const [a, c] = captures.map(records);
    assert.deepEqual(a.map((r) => [r.node, r.args[0], r.output]).sort(), [["a", 10, 11], ["a", 20, 21]]);
    // c = dec(b), b = 2 (n + 1).
    assert.deepEqual(c.map((r) => [r.node, r.args[0], r.output]).sort(), [["c", 22, 21], ["c", 42, 41]]);
    assert.deepEqual(await captureKeys("chain"), []);
  } finally {
    close();
    for (const c of captures) await endCapture(c);
    assert.deepEqual(await stopWorkers(workers), [0, 0, 0, 0]);
  }
});

test("a capture on a node that never runs (skipped by its `when`) records nothing: at --timeout it says so and exits 0", async () => {
  const ws = copyFixture("v2", "production");
  deploy("skips.graph", redis.url, ws);
  const workers = await Promise.all(["deciding", "telling", "closing"].map((loop) => startWorker(redis.url, ws, "pskips", loop)));
  const { manager, close } = await queueManager(redis.url, "pskips");
  let capture: CaptureProcess | undefined;
  try {
    capture = await startCapture(ws, ["pskips", "refunded", "--timeout", "3"]);
    assert.match(capture.stderr(), /^capturing refunded of pskips on 1 worker$/m);
    await submit(manager, [{ order: { id: "x", total: 50 } }, { order: { id: "y", total: 10 } }]);
    await waitForRest(manager, 30_000);
    assert.equal(await capture.exited, 0, capture.stderr());
    assert.equal(capture.stdout(), "");
    assert.match(capture.stderr(), /^nothing was recorded: refunded of pskips did not run in 3 s$/m);
    assert.deepEqual(await captureKeys("pskips"), []);
  } finally {
    close();
    if (capture) await endCapture(capture);
    assert.deepEqual(await stopWorkers(workers), [0, 0, 0]);
  }
});

test("a worker killed during a capture and a fresh one started: the fresh worker reads the capture point at its start and records", async () => {
  const ws = loopsWorkspace();
  deploy("chain.graph", redis.url, ws);
  const workers = await Promise.all(["first", "second", "third"].map((loop) => startWorker(redis.url, ws, "chain", loop)));
  const { manager, close } = await queueManager(redis.url, "chain");
  let capture: CaptureProcess | undefined;
  try {
    capture = await startCapture(ws, ["chain", "b", "--count", "3", "--json"]);
    const killed = workers[1];
    killed.child.kill("SIGKILL");
    await killed.exited;
    const fresh = await startWorker(redis.url, ws, "chain", "second");
    workers[1] = fresh;
    const freshId = /worker (\S+) serving loop/.exec(fresh.output())?.[1];
    await submit(manager, [1, 2, 3].map((n) => ({ n })));
    assert.equal(await capture.exited, 0, capture.stderr());
    const got = records(capture);
    assert.equal(got.length, 3);
    for (const record of got) assert.equal(record.worker, freshId);
    await waitForRest(manager, 30_000);
  } finally {
    close();
    if (capture) await endCapture(capture);
    assert.deepEqual(await stopWorkers(workers), [0, 0, 0]);
  }
});

test("Ctrl-C withdraws the capture point: exit 0, its keys gone, and the workers record no more", async () => {
  const ws = loopsWorkspace();
  const workers = await chainWorkers(ws);
  const { manager, close } = await queueManager(redis.url, "chain");
  let capture: CaptureProcess | undefined;
  try {
    capture = await startCapture(ws, ["chain", "b", "--count", "1000", "--json"]);
    const current = capture;
    assert.ok((await captureKeys("chain")).length > 0);
    await submit(manager, [{ n: 1 }, { n: 2 }]);
    await waitFor(() => records(current).length === 2, 20_000, "two records");
    capture.child.kill("SIGINT");
    assert.equal(await capture.exited, 0, capture.stderr());
    assert.match(capture.stderr(), /^withdrew the capture point \(2 records\)$/m);
    assert.deepEqual(await captureKeys("chain"), []);
    // Jobs after the withdrawal: nothing records them (a record would bring a key back).
    await submit(manager, [3, 4, 5, 6].map((n) => ({ n })));
    await waitForRest(manager, 30_000);
    assert.deepEqual(await captureKeys("chain"), []);
    for (const w of workers) assert.doesNotMatch(w.output(), /capture.*(failed|error)/i);
  } finally {
    close();
    if (capture) await endCapture(capture);
    assert.deepEqual(await stopWorkers(workers), [0, 0, 0, 0]);
  }
});

test("a failing node's capture records its error, one record per attempt", async () => {
  const ws = loopsWorkspace();
  deploy("poison.graph", redis.url, ws);
  const workers = await Promise.all(["checking", "finishing"].map((loop) => startWorker(redis.url, ws, "poison", loop)));
  const { manager, close } = await queueManager(redis.url, "poison");
  let capture: CaptureProcess | undefined;
  try {
    capture = await startCapture(ws, ["poison", "checked", "--count", "3", "--json", "--where", "n == poison"]);
    // Three attempts (retry: 2), each recorded; the job that passes is not.
    await submit(manager, [{ n: 1 }, { n: 13 }]);
    assert.equal(await capture.exited, 0, capture.stderr());
    const got = records(capture);
    assert.deepEqual(got.map((r) => [r.node, r.args, r.attempt, r.output]), [["checked", [13, 13], 1, undefined], ["checked", [13, 13], 2, undefined], ["checked", [13, 13], 3, undefined]]);
    for (const r of got) assert.match(r.error?.message ?? "", /13/);
    await waitForRest(manager, 30_000);
  } finally {
    close();
    if (capture) await endCapture(capture);
    assert.deepEqual(await stopWorkers(workers), [0, 0]);
  }
});

test("bad input: an unknown graph, an unknown node, a bad condition, a condition over a name the node does not read, a bad count: one line, exit 2", async () => {
  const ws = loopsWorkspace();
  deploy("chain.graph", redis.url, ws);
  assertOneLine(stepgraph(["capture", "nosuch", "b"], redis.url, ws), /^stepgraph: capture: graph 'nosuch' has no deployed version/);
  assertOneLine(stepgraph(["capture", "chain", "zz"], redis.url, ws), /^stepgraph: capture: the active version \d+ of chain has no node 'zz' \(its nodes: a, b, c\)$/m);
  assertOneLine(stepgraph(["capture", "chain", "b", "--where", "a >"], redis.url, ws), /^stepgraph: capture: --where: expected .* at column \d+/);
  assertOneLine(stepgraph(["capture", "chain", "b", "--where", "n > 1"], redis.url, ws), /^stepgraph: capture: --where reads 'n', which node 'b' does not read \(it reads: a\)$/m);
  assertOneLine(stepgraph(["capture", "chain", "b", "--count", "0"], redis.url, ws), /^stepgraph: capture: --count must be a whole number from 1 to \d+/);
  assertOneLine(stepgraph(["capture", "chain"], redis.url, ws), /^stepgraph: capture: usage: stepgraph capture NAME NODE/);
  assert.deepEqual(await captureKeys("chain"), []);
});

test("a mapped node is recorded as one call: its arguments (the list, the other argument) and the list of its outputs", async () => {
  const ws = copyFixture("v2", "production");
  deploy("map.graph", redis.url, ws);
  const workers = await Promise.all(["making", "mapping"].map((loop) => startWorker(redis.url, ws, "pmap", loop)));
  const { manager, close } = await queueManager(redis.url, "pmap");
  let capture: CaptureProcess | undefined;
  try {
    capture = await startCapture(ws, ["pmap", "scaled", "--count", "1", "--json", "--where", "factor == 10"]);
    await submit(manager, [{ n: 3, factor: 7 }, { n: 3 }]);
    assert.equal(await capture.exited, 0, capture.stderr());
    const [record] = records(capture);
    assert.deepEqual([record.node, record.args, record.output], ["scaled", [[1, 2, 3], 10], [10, 20, 30]]);
    await waitForRest(manager, 30_000);
  } finally {
    close();
    if (capture) await endCapture(capture);
    assert.deepEqual(await stopWorkers(workers), [0, 0]);
  }
});
