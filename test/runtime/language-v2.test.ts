// Development mode runs the language's v2 constructs: map (per-element calls, context,
// cache per element, failures), when and skips (propagation, `?`), pins and subgraphs.
// Real node hosts; the cache in a redis-server of the test's own where it must outlive a session.
import assert from "node:assert/strict";
import { once } from "node:events";
import { join } from "node:path";
import { after, before, describe, test, type TestContext } from "node:test";
import { GraphLoadError } from "../../src/runtime/graph-loader";
import { openDevSession, type DevSession } from "../../src/runtime/dev-session";
import { parsePinText, PinValueError, pinText } from "../../src/runtime/pin-file";
import type { RedisChoice } from "../../src/store/open-cache-storage";
import { repoRoot } from "../helpers";
import { startTestRedis, type TestRedis } from "../redis-harness";
import { copyFixture, type Workspace } from "./workspace";

let redis: TestRedis;
before(async () => (redis = await startTestRedis()));
after(() => redis.stop());

async function open(t: TestContext, ws: Workspace, graph: string, payload: unknown, cache: RedisChoice = { kind: "memory" }): Promise<DevSession> {
  const session = await openDevSession({ graphPath: ws.path(graph), payload, redis: cache, stateDir: ws.stateDir, cacheMode: "use", hostScript: join(repoRoot, "dist", "node-host.js"), poolSize: 2 });
  t.after(() => session.close());
  return session;
}

/** Runs the job to its end; resolves to the node logs, in order. */
async function runToEnd(session: DevSession): Promise<string[]> {
  const logs: string[] = [];
  session.orchestrator.on("log", ({ node, text }) => logs.push(`${node}: ${text}`));
  const finished = once(session.orchestrator, "finished");
  await session.orchestrator.continue();
  await finished;
  return logs;
}

describe("map", () => {
  test("calls the function once per element, in order, with index and count; a node without map has neither", async (t) => {
    const session = await open(t, copyFixture("v2"), "map.graph", {});
    const logs = await runToEnd(session);
    const { orchestrator } = session;
    assert.deepEqual(orchestrator.outputs().scaled, [10, 20, 30, 40]);
    assert.deepEqual(orchestrator.outputs().listed, [10, 20, 30], "a mapped input");
    assert.equal(orchestrator.outputs().context, "index undefined, count undefined");
    assert.deepEqual(logs.filter((l) => l.startsWith("scaled")).sort(), ["scaled: scale 1 at 0 of 4", "scaled: scale 2 at 1 of 4", "scaled: scale 3 at 2 of 4", "scaled: scale 4 at 3 of 4"]);
    assert.deepEqual(orchestrator.state("scaled").elements, { count: 4, finished: 4 });
  });

  test("an empty array gives [] without calling the function", async (t) => {
    const session = await open(t, copyFixture("v2"), "map.graph", { n: 0, list: [] });
    const logs = await runToEnd(session);
    assert.deepEqual(session.orchestrator.outputs().scaled, []);
    assert.deepEqual(session.orchestrator.outputs().listed, []);
    assert.deepEqual(logs, []);
  });

  test("a value that is not an array fails the node naming it; a failing element fails the node after its retries, naming the element", async (t) => {
    const session = await open(t, copyFixture("v2"), "map-fails.graph", {});
    const logs = await runToEnd(session);
    const { orchestrator } = session;
    assert.equal(orchestrator.state("wrong").status, "failed");
    assert.equal(orchestrator.state("wrong").error?.message, "node 'wrong' maps over notList, which is a string, not an array");
    const checked = orchestrator.state("checked");
    assert.equal(checked.status, "failed");
    assert.equal(checked.error?.element, 2);
    assert.match(checked.error?.message ?? "", /^element 2 of 4: three is bad \(attempt 2\)$/);
    assert.equal(logs.filter((l) => l.includes("badThree 3 attempt")).length, 2, "the failing element ran its retry");
    assert.equal(logs.filter((l) => l.includes("badThree 1 attempt")).length, 1, "the other elements ran once");
  });

  test("each element is cached under its own key: a change to one element re-runs that element only", async (t) => {
    const ws = copyFixture("v2");
    const cache: RedisChoice = { kind: "url", url: redis.url };
    await runToEnd(await open(t, ws, "map.graph", { list: [1, 2, 3] }, cache));
    const second = await open(t, ws, "map.graph", { list: [1, 5, 3] }, cache);
    const logs = await runToEnd(second);
    assert.deepEqual(logs.filter((l) => l.startsWith("listed")), ["listed: scale 5 at 1 of 3"]);
    assert.deepEqual(second.orchestrator.outputs().listed, [10, 50, 30]);
    assert.equal(second.orchestrator.state("scaled").status, "cached", "every element from the cache");
  });
});

describe("when and skips", () => {
  test("a false condition skips the node and, without ?, the nodes that need it; with ? they get undefined", async (t) => {
    const session = await open(t, copyFixture("v2"), "skips.graph", { order: { id: "o1", total: 50 } });
    await runToEnd(session);
    const { orchestrator } = session;
    const status = (name: string) => orchestrator.state(name).status;
    assert.equal(status("refunded"), "skipped");
    assert.deepEqual(orchestrator.state("refunded").skip, { reason: "when" });
    assert.equal(status("strict"), "skipped");
    assert.deepEqual(orchestrator.state("strict").skip, { reason: "dependency", node: "refunded" });
    assert.equal(status("after"), "skipped", "skips propagate");
    assert.equal(status("guarded"), "skipped", "a condition over a skipped node without ? skips");
    assert.equal(status("told"), "ran");
    assert.equal(status("lenient"), "ran", "refunded? reads as null");
    assert.deepEqual(orchestrator.outputs(), { told: "o1: no refund", lenient: "o1" }, "skipped outputs are left out");
  });

  test("a true condition runs the node and the nodes after it", async (t) => {
    const session = await open(t, copyFixture("v2"), "skips.graph", { order: { id: "o1", total: 200 } });
    await runToEnd(session);
    const outputs = session.orchestrator.outputs();
    assert.deepEqual(outputs, { refunded: 20, told: "o1: refunded 20", strict: 20, after: 20, guarded: "o1" });
    assert.equal(session.orchestrator.state("lenient").status, "skipped");
  });

  test("a flagged order is not refunded (not, and)", async (t) => {
    const session = await open(t, copyFixture("v2"), "skips.graph", { order: { id: "o1", total: 200, flagged: true } });
    await runToEnd(session);
    assert.equal(session.orchestrator.state("refunded").status, "skipped");
  });
});

describe("pins", () => {
  test("a pinned node takes its file's value, rich values exactly, and runs nothing", async (t) => {
    const session = await open(t, copyFixture("v2"), "pinned.graph", {});
    await runToEnd(session);
    const { orchestrator } = session;
    assert.equal(orchestrator.state("rates").status, "pinned");
    assert.equal(orchestrator.state("rates").cache, "pinned");
    assert.deepEqual(orchestrator.outputs().used, {
      when: new Date("2026-11-27T10:00:00.000Z"),
      big: 12345678901234567890n,
      table: new Map<string, number>([["EUR", 1], ["USD", NaN]]),
      tags: new Set(["a", "b"]),
      nothing: undefined,
      bytes: new Uint8Array(Buffer.from("hello")),
      odd: { $stepgraph: "not a tag" },
    });
  });

  test("a missing pin file is one error naming it", async (t) => {
    const ws = copyFixture("v2");
    ws.edit("pinned.graph", (text) => text.replace("./pins/rates.json", "./pins/gone.json"));
    await assert.rejects(open(t, ws, "pinned.graph", {}), (e: unknown) => e instanceof GraphLoadError && e.message === `the pin file of node 'rates' cannot be read: ${ws.path("pins", "gone.json")} (no such file)`);
  });

  test("a pin file with a bad tag is refused naming the file and the place", async (t) => {
    const ws = copyFixture("v2");
    ws.write("pins/rates.json", '{"a": [1, {"$stepgraph": "Color", "value": 1}]}');
    await assert.rejects(open(t, ws, "pinned.graph", {}), /does not hold a pin value: .*rates\.json: an unknown tag "Color" at a\[1\]/);
  });

  test("the pin format round-trips every kind of value exactly", () => {
    const value = { d: new Date(5), m: new Map<unknown, unknown>([[1n, [undefined]]]), s: new Set([-0, Infinity]), u8: new Uint8Array([0, 255]), tag: { $stepgraph: { $stepgraph: 1 } }, list: [null, NaN, "x"] };
    assert.deepEqual(parsePinText(pinText(value)), value);
    assert.ok(Object.is(parsePinText(pinText(-0)), -0));
    const invalid = parsePinText(pinText(new Date(NaN)));
    assert.ok(invalid instanceof Date && Number.isNaN(invalid.getTime()), "an invalid Date stays one");
  });

  test("a value that contains itself cannot be pinned: one error saying where; a value shared twice is written twice", () => {
    const loop: Record<string, unknown> = { a: [1] };
    (loop.a as unknown[]).push(new Map([["k", loop]]));
    assert.throws(() => pinText(loop), (e: unknown) => e instanceof PinValueError && e.message === "the value contains itself (at a[1]<value 0>), which a pin file cannot hold");
    const shared = { x: 1 };
    assert.deepEqual(parsePinText(pinText({ one: shared, two: [shared] })), { one: { x: 1 }, two: [{ x: 1 }] });
  });
});

describe("subgraphs", () => {
  test("a subgraph call runs the subgraph with named arguments and defaults; its output is its outputs by name; map works on a named argument", async (t) => {
    const session = await open(t, copyFixture("v2"), "uses-a.graph", {});
    await runToEnd(session);
    const outputs = session.orchestrator.outputs();
    assert.equal(outputs.again, "HELLO, ADA");
    assert.deepEqual(outputs.many, [
      { text: "Hi, x", loud: "HI, X" },
      { text: "Hi, y", loud: "HI, Y" },
    ]);
  });

  test("its nodes are cached as nodes of their own file: a second graph using it takes them from the cache", async (t) => {
    const ws = copyFixture("v2");
    const cache: RedisChoice = { kind: "url", url: redis.url };
    await runToEnd(await open(t, ws, "uses-a.graph", {}, cache));
    const second = await open(t, ws, "uses-b.graph", {}, cache);
    const logs = await runToEnd(second);
    assert.deepEqual(logs, [], "greet ran in neither");
    assert.equal(second.orchestrator.state("said").status, "cached");
    assert.deepEqual(second.orchestrator.outputs().said, { text: "Hello, Ada", loud: "HELLO, ADA" });
    const keys = await redis.client.keys("stepgraph:{greeting}:cache:*");
    assert.equal(keys.length, 6, "text and loud for Ada, x and y, under the subgraph's own name");
  });
});
