// `stepgraph captures NAME` (docs/production.md, "Capture points"): the capture points set on
// a graph, each with its definition and latest records, read while `stepgraph capture` runs
// and live workers record; a point withdrawn or expired is gone; it writes nothing.
import assert from "node:assert/strict";
import { test } from "node:test";
import { captureRecordText, CAPTURE_TTL_MS } from "../../src/production/capture-point";
import { encodeValue } from "../../src/runtime/values";
import { QueueStore } from "../../src/store/queue-store";
import { freePort } from "../../src/store/private-redis";
import { assertBadInput } from "../helpers";
import { endCapture, startCapture, type CaptureProcess } from "../production/capture-process";
import { deploy, fileTestRedis, loopsWorkspace, queueManager, startWorker, stepgraph, stopWorkers, submit, waitFor, type WorkerProcess } from "../production/production-harness";
import type { Workspace } from "../runtime/workspace";
import { assertReadOnly } from "./read-only";

const redis = fileTestRedis();

interface Point {
  id: string;
  node: string;
  count: number;
  recorded: number;
  where?: string;
  expiresInMs: number;
  records: Record<string, unknown>[];
}

function captures(ws: Workspace, ...args: string[]): Point[] {
  const result = stepgraph(["captures", "chain", "--json", ...args], redis.url, ws);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout.trim().split("\n").length, 1, result.stdout);
  return JSON.parse(result.stdout) as Point[];
}

/** The records a `capture --json` printed. */
function printed(capture: CaptureProcess): Record<string, unknown>[] {
  return capture
    .stdout()
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

test("captures lists the points running `capture` commands set, with their definitions and the records the live workers wrote; a withdrawn one is gone", async () => {
  const ws = loopsWorkspace();
  deploy("chain.graph", redis.url, ws);
  const workers: WorkerProcess[] = [];
  const running: CaptureProcess[] = [];
  const { manager, close } = await queueManager(redis.url, "chain");
  try {
    for (const loop of ["first", "second", "third"]) workers.push(await startWorker(redis.url, ws, "chain", loop));
    const onB = await startCapture(redis.url, ws, ["chain", "b", "--count", "10", "--where", "a > 1", "--json"]);
    running.push(onB);
    const onC = await startCapture(redis.url, ws, ["chain", "c", "--count", "5", "--json"]);
    running.push(onC);
    await submit(manager, [1, 2, 3].map((n) => ({ n })));
    await waitFor(() => printed(onB).length === 3 && printed(onC).length === 3, 20_000, "three records of each point");

    const [b, c] = captures(ws);
    assert.deepEqual([b.node, b.count, b.recorded, b.where, c.node, c.count, c.recorded], ["b", 10, 3, "a > 1", "c", 5, 3]);
    assert.ok(!("where" in c), "no where when none was given");
    for (const point of [b, c]) {
      assert.match(point.id, /^[0-9a-f]{12}$/);
      assert.ok(point.expiresInMs > 0 && point.expiresInMs <= CAPTURE_TTL_MS, String(point.expiresInMs));
    }
    // The same objects `capture --json` printed, in the order it printed them (newest last).
    assert.deepEqual(b.records, printed(onB));
    assert.deepEqual(c.records, printed(onC));
    assert.deepEqual(Object.keys(b), ["id", "node", "count", "recorded", "where", "expiresInMs", "records"]);

    const [lastB, lastC] = captures(ws, "--records", "1");
    assert.deepEqual([lastB.recorded, lastB.records, lastC.records], [3, printed(onB).slice(-1), printed(onC).slice(-1)]);
    assert.deepEqual(captures(ws, "--records", "0").map((point) => point.records), [[], []]);

    const text = stepgraph(["captures", "chain", "--records", "2"], redis.url, ws);
    assert.equal(text.status, 0, text.stderr);
    const lines = text.stdout.trimEnd().split("\n");
    assert.equal(lines.length, 6, text.stdout);
    assert.match(lines[0], new RegExp(`^capture point ${b.id} on b: 3 of 10 recorded, where a > 1, expires in \\d+ s$`));
    assert.match(lines[3], new RegExp(`^capture point ${c.id} on c: 3 of 5 recorded, expires in \\d+ s$`));
    for (const line of [lines[1], lines[2]]) assert.match(line, /^ {2}job \S+ on \S+ \(attempt 1, [\d.]+ ms\): b\(\d+\) = \d+$/);
    for (const line of [lines[4], lines[5]]) assert.match(line, /^ {2}job \S+ on \S+ \(attempt 1, [\d.]+ ms\): c\(\d+\) = \d+$/);

    // Ctrl-C withdraws c's point: it is gone from the list at once.
    onC.child.kill("SIGINT");
    assert.equal(await onC.exited, 0, onC.stderr());
    assert.deepEqual(captures(ws).map((point) => point.id), [b.id]);
    onB.child.kill("SIGINT");
    assert.equal(await onB.exited, 0, onB.stderr());
    assert.deepEqual(captures(ws), []);
    const none = stepgraph(["captures", "chain"], redis.url, ws);
    assert.deepEqual([none.status, none.stdout], [0, "no capture point is set on chain\n"]);
  } finally {
    close();
    for (const capture of running) await endCapture(capture);
    assert.deepEqual(await stopWorkers(workers), [0, 0, 0]);
  }
});

/** A capture point as `capture` sets it, and records as a worker writes them (the store's own calls, no process). */
async function setPoint(store: QueueStore, id: string, node: string, records: number, ttlMs = CAPTURE_TTL_MS): Promise<void> {
  await store.openCapture(id, JSON.stringify({ node, count: 100 }), 100, ttlMs);
  for (let n = 1; n <= records; n++) {
    await store.recordCapture(id, captureRecordText(node, "w1", { jobId: String(n), attempt: 1, args: [n], outcome: { ok: true, value: 2 * n, encoded: encodeValue(2 * n) }, durationMs: 1 }), 1000);
  }
}

test("an expired point (its hash gone, its entry left by a `capture` that was killed) is not listed; nor is an entry no command wrote", async () => {
  const ws = loopsWorkspace();
  deploy("chain.graph", redis.url, ws);
  const store = await QueueStore.open(redis.url, "chain");
  try {
    await setPoint(store, "aaaaaaaaaaaa", "b", 2);
    await setPoint(store, "bbbbbbbbbbbb", "c", 1, 50);
    await redis.client.hset(store.keys.captures, "cccccccccccc", "not a definition");
    await waitFor(async () => (await redis.client.exists(store.keys.capture("bbbbbbbbbbbb"))) === 0, 5000, "the point to expire");
    const points = captures(ws);
    assert.deepEqual(points.map((p) => [p.id, p.node, p.recorded, p.records.length]), [["aaaaaaaaaaaa", "b", 2, 2]]);
    assert.deepEqual(points[0].records.map((r) => [r.job, r.args, r.output]), [["1", [1], 2], ["2", [2], 4]]);
    // Reading forgets nothing: the entries stay for the next `capture` to drop.
    assert.deepEqual(Object.keys(await store.captureDefinitions()).sort(), ["aaaaaaaaaaaa", "bbbbbbbbbbbb", "cccccccccccc"]);
  } finally {
    store.close();
  }
});

test("captures and graphs write nothing: no write command reaches Redis and every key stays as it was", async () => {
  const ws = loopsWorkspace();
  deploy("chain.graph", redis.url, ws);
  const store = await QueueStore.open(redis.url, "chain");
  try {
    await setPoint(store, "aaaaaaaaaaaa", "b", 30);
    await setPoint(store, "bbbbbbbbbbbb", "c", 0);
    // An expired point's entry: capture would forget it, captures must not.
    await redis.client.hset(store.keys.captures, "cccccccccccc", JSON.stringify({ node: "a", count: 1 }));
  } finally {
    store.close();
  }
  let points: Point[] = [];
  const sent = await assertReadOnly(redis.client, () => {
    points = captures(ws);
    assert.equal(captures(ws, "--records", "0").length, 2);
    assert.equal(stepgraph(["captures", "chain"], redis.url, ws).status, 0);
    assert.equal(stepgraph(["captures", "nosuch"], redis.url, ws).status, 0);
    assert.equal(stepgraph(["graphs", "--json"], redis.url, ws).status, 0);
    assert.equal(stepgraph(["graphs"], redis.url, ws).status, 0);
  });
  assert.deepEqual(points.map((p) => [p.id, p.recorded, p.records.length]), [["aaaaaaaaaaaa", 30, 20], ["bbbbbbbbbbbb", 0, 0]]);
  assert.deepEqual(points[0].records.map((r) => r.job), Array.from({ length: 20 }, (_, i) => String(i + 11)), "the latest 20, newest last");
  assert.ok(sent.includes("xrevrange") && sent.includes("scan"), sent.join(", "));
});

test("a graph with no capture point, or not deployed at all: [] with --json, one line saying so without; exit 0", async () => {
  const ws = loopsWorkspace();
  deploy("chain.graph", redis.url, ws);
  assert.deepEqual(captures(ws), []);
  const deployed = stepgraph(["captures", "chain"], redis.url, ws);
  assert.deepEqual([deployed.status, deployed.stdout], [0, "no capture point is set on chain\n"]);
  const nosuch = stepgraph(["captures", "nosuch"], redis.url, ws);
  assert.deepEqual([nosuch.status, nosuch.stdout], [0, "no capture point is set on nosuch (it is not deployed)\n"]);
  const json = stepgraph(["captures", "nosuch", "--json"], redis.url, ws);
  assert.deepEqual([json.status, json.stdout], [0, "[]\n"]);
});

test("bad input: no graph, two graphs, a bad graph name, a bad --records, an unknown option, a Redis that does not answer: one line, exit 2", async () => {
  const ws = loopsWorkspace();
  assertBadInput(stepgraph(["captures"], redis.url, ws), /^stepgraph: captures: name the graph/);
  assertBadInput(stepgraph(["captures", "chain", "fork"], redis.url, ws), /^stepgraph: captures: name one graph, not 2/);
  assertBadInput(stepgraph(["captures", "no-such"], redis.url, ws), /^stepgraph: captures: 'no-such' is not a graph name/);
  for (const records of ["x", "=-1", "=1.5", "="]) {
    const args = records.startsWith("=") ? [`--records${records}`] : ["--records", records];
    assertBadInput(stepgraph(["captures", "chain", ...args], redis.url, ws), /^stepgraph: captures: --records must be a whole number of 0 or more, not '.*'$/m);
  }
  assertBadInput(stepgraph(["captures", "chain", "--nope"], redis.url, ws), /^stepgraph: captures: Unknown option '--nope'/);
  assertBadInput(stepgraph(["captures", "chain", "--redis", "memory"], redis.url, ws), /^stepgraph: production mode needs a Redis URL/);
  assertBadInput(stepgraph(["captures", "chain", "--redis", `redis://127.0.0.1:${await freePort()}`], redis.url, ws), /^stepgraph: Redis at redis:\/\/127\.0\.0\.1:\d+ does not answer \(connection refused\)$/m);
});
