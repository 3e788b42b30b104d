// The run view (what the graph view shows of a job) through whole sessions: each node's
// state and why, the current node, a map node's progress, a subgraph node entered. Real
// node hosts; the cache in a redis-server of the test's own, so that a second session
// reads what the first wrote.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test, type TestContext } from "node:test";
import type { CacheMode, Orchestrator } from "../../src/runtime/orchestrator";
import { runView, type NodeView } from "../../src/runtime/run-view";
import { startTestRedis, type TestRedis } from "../redis-harness";
import { openSession, stopAfter } from "./session-steps";
import { copyFixture, type Workspace } from "./workspace";

let redis: TestRedis;
before(async () => (redis = await startTestRedis()));
after(() => redis.stop());
beforeEach(() => redis.client.flushall());

const open = (t: TestContext, ws: Workspace, graph: string, payload: unknown = {}, cacheMode: CacheMode = "use") => openSession(t, ws, graph, payload, { redisUrl: redis.url, cacheMode });
const settled = stopAfter;

/** Each node's state, and its why where it has one: `name: state (why)`. */
function states(orchestrator: Orchestrator): Record<string, string> {
  return Object.fromEntries(Object.entries(runView(orchestrator).nodes).map(([name, view]) => [name, `${view.state}${view.why ? ` (${view.why})` : ""}`]));
}

function viewOf(orchestrator: Orchestrator, node: string): NodeView {
  return runView(orchestrator).nodes[node];
}

/** A map node, a pinned node beside it, a node after it. */
function viewGraph(): Workspace {
  const ws = copyFixture("v2");
  ws.write(
    "view.graph",
    ["graph view", 'use "./nodes/v2.ts"', "input n = 2", "node items  = numbers(n)", "node scaled = scale(map items, 10)", 'node rates  = numbers(3)      [pin: "./pins/rates.json"]', "node last   = echo(scaled)", "output last"].join("\n"),
  );
  return ws;
}

describe("node states through a stepped session", () => {
  test("pending, running, ran, pinned, with the current node and a map node's progress element by element", async (t) => {
    const ws = viewGraph();
    const { orchestrator } = await open(t, ws, "view.graph");
    const whenStarted: string[] = [];
    orchestrator.on("nodeStarted", ({ node }) => whenStarted.push(`${node}: ${viewOf(orchestrator, node).state}`));

    orchestrator.stopOnEntry();
    const entry = runView(orchestrator);
    assert.deepEqual({ graph: entry.graph, file: entry.file, current: entry.current, finished: entry.finished }, { graph: "view", file: ws.path("view.graph"), current: "items", finished: false });
    assert.deepEqual(states(orchestrator), { items: "pending", scaled: "pending", rates: "pending", last: "pending" });

    assert.deepEqual(await settled(orchestrator, () => orchestrator.step()), { reason: "step", node: "scaled", element: 0 });
    let view = runView(orchestrator);
    assert.equal(view.current, "scaled");
    assert.deepEqual(view.nodes.items.state, "ran");
    assert.equal(view.nodes.items.why, "never cached", "what the Node scope says: why.test.ts has every reason");
    assert.equal(typeof view.nodes.items.durationMs, "number");
    assert.deepEqual(view.nodes.scaled, { state: "pending", elements: { finished: 0, count: 2 } }, "stopped before element 0: nothing of it ran");

    await settled(orchestrator, () => orchestrator.step());
    assert.deepEqual(viewOf(orchestrator, "scaled"), { state: "running", elements: { finished: 1, count: 2 } });
    assert.equal(runView(orchestrator).current, "scaled");

    await settled(orchestrator, () => orchestrator.step());
    view = runView(orchestrator);
    assert.equal(view.current, "rates");
    assert.deepEqual([view.nodes.scaled.state, view.nodes.scaled.why, view.nodes.scaled.elements], ["ran", "never cached", { finished: 2, count: 2 }]);

    await settled(orchestrator, () => orchestrator.step());
    assert.deepEqual([viewOf(orchestrator, "rates").state, viewOf(orchestrator, "rates").why], ["pinned", "from pins/rates.json"]);
    assert.equal(runView(orchestrator).current, "last");

    assert.equal(await settled(orchestrator, () => orchestrator.step()), "finished");
    view = runView(orchestrator);
    assert.equal(view.finished, true);
    assert.equal(view.current, undefined);
    assert.deepEqual(states(orchestrator), { items: "ran (never cached)", scaled: "ran (never cached)", rates: "pinned (from pins/rates.json)", last: "ran (never cached)" });
    assert.deepEqual(whenStarted, ["items: running", "scaled: running", "rates: running", "last: running"]);
  });

  test("cached on the next run; edited after setting a value, stale downstream; the edit read back from the cache; re-run", async (t) => {
    const ws = viewGraph();
    const first = await open(t, ws, "view.graph");
    assert.equal(await settled(first.orchestrator, () => first.orchestrator.continue()), "finished");

    const second = (await open(t, ws, "view.graph")).orchestrator;
    second.setStopCondition((node) => node.name === "last");
    assert.deepEqual(await settled(second, () => second.continue()), { reason: "breakpoint", node: "last" });
    assert.match(viewOf(second, "items").why ?? "", /^read from the cache, computed \d+ s ago$/);
    assert.deepEqual([viewOf(second, "items").state, viewOf(second, "scaled").state, viewOf(second, "last").state], ["cached", "cached", "pending"]);

    await second.editOutput("items", [7]);
    assert.deepEqual(states(second), {
      items: "edited (edited in the debugger)",
      scaled: "stale ('items' changed upstream, runs again)",
      rates: "pinned (from pins/rates.json)",
      last: "pending",
    });
    assert.equal(runView(second).current, "last", "an edit leaves the run where it stopped");
    assert.equal(await settled(second, () => second.continue()), "finished");
    const scaled = viewOf(second, "scaled");
    assert.deepEqual([scaled.state, scaled.why, scaled.elements], ["ran", "input: item", { finished: 1, count: 1 }], "no longer stale once it ran; its element 0 was 1 in the last cached run");
    assert.equal(viewOf(second, "items").state, "edited");

    const third = (await open(t, ws, "view.graph")).orchestrator;
    third.setStopCondition((node) => node.name === "last");
    await settled(third, () => third.continue());
    assert.equal(viewOf(third, "items").state, "edited");
    assert.match(viewOf(third, "items").why ?? "", /^edited in the debugger \d+ s ago, read from the cache$/);
    assert.equal(viewOf(third, "scaled").state, "cached");
    await third.rerun("items");
    assert.deepEqual([viewOf(third, "items").state, viewOf(third, "items").why], ["ran", "re-run from the debugger"]);
    assert.equal(viewOf(third, "scaled").state, "stale");
    assert.equal(await settled(third, () => third.continue()), "finished");
    assert.match(states(third).scaled, /^cached \(read from the cache, computed \d+ s ago\)$/, "its elements for [1, 2] are still cached from the first session");
  });

  test("skipped, with either reason", async (t) => {
    const { orchestrator } = await open(t, copyFixture("v2"), "skips.graph", { order: { id: "A", total: 50 } });
    assert.equal(await settled(orchestrator, () => orchestrator.continue()), "finished");
    assert.deepEqual(states(orchestrator), {
      refunded: "skipped (its condition is false: order.total > 100 and not order.flagged)",
      told: "ran (never cached)",
      strict: "skipped (needs 'refunded', which was skipped)",
      after: "skipped (needs 'strict', which was skipped)",
      guarded: "skipped (needs 'refunded', which was skipped)",
      lenient: "ran (never cached)",
    });
  });

  test("failed with its message; the nodes the job ended without are pending, saying which node failed", async (t) => {
    const ws = copyFixture("v2");
    ws.write("fails.graph", ["graph fails", 'use "./nodes/v2.ts"', "input list = [1, 2, 3]", "node checked = badThree(map list)", "node after   = echo(checked)", "node later   = echo(after)", "node fine    = echo(list)"].join("\n"));
    const stopping = (await open(t, ws, "fails.graph")).orchestrator;
    stopping.setStopOnError(true);
    assert.deepEqual(await settled(stopping, () => stopping.continue()), { reason: "exception", node: "checked" });
    assert.equal(runView(stopping).current, "checked");
    assert.deepEqual(viewOf(stopping, "after"), { state: "pending" }, "while stopped at the failure, the rest may still run");

    const { orchestrator } = await open(t, ws, "fails.graph");
    assert.equal(await settled(orchestrator, () => orchestrator.continue()), "finished");
    const view = runView(orchestrator);
    assert.equal(view.finished, true);
    assert.deepEqual([view.nodes.checked.state, view.nodes.checked.why, view.nodes.checked.elements], ["failed", "element 2 of 3: three is bad (attempt 1)", { finished: 3, count: 3 }]);
    assert.deepEqual(view.nodes.after, { state: "pending", why: "not run: 'checked' failed" });
    assert.deepEqual(view.nodes.later, { state: "pending", why: "not run: 'checked' failed" }, "named through the node between");
    assert.equal(view.nodes.fine.state, "cached", "it ran in the session before");
  });

  test("why a node ran: the cache off for the session or for the node, a refresh", async (t) => {
    const ws = copyFixture("pipeline");
    const off = (await open(t, ws, "pipeline.graph", { n: 3 }, "off")).orchestrator;
    await settled(off, () => off.continue());
    assert.deepEqual(states(off), { doubled: "ran (the cache is off)", squared: "ran (the cache is off)", total: "ran (the cache is off)", shout: "ran (the cache is off)", stamp: "ran (the node has cache: off)" });

    const used = (await open(t, ws, "pipeline.graph", { n: 3 })).orchestrator;
    await settled(used, () => used.continue());
    assert.equal(states(used).stamp, "ran (the node has cache: off)");
    const refresh = (await open(t, ws, "pipeline.graph", { n: 3 }, "refresh")).orchestrator;
    await settled(refresh, () => refresh.continue());
    assert.equal(states(refresh).total, "ran (cache refresh: every node runs again)", "in the cache, and run anyway");
    assert.equal(states(refresh).stamp, "ran (the node has cache: off)");
  });
});

describe("map progress and subgraphs", () => {
  test("a map node run whole counts its elements as they finish", async (t) => {
    const { orchestrator } = await open(t, copyFixture("v2"), "map.graph", { n: 4 });
    const progress: string[] = [];
    orchestrator.on("elementFinished", ({ node }) => {
      if (node !== "scaled") return;
      const view = viewOf(orchestrator, "scaled");
      progress.push(`${view.state} ${view.elements?.finished}/${view.elements?.count}`);
    });
    assert.equal(await settled(orchestrator, () => orchestrator.continue()), "finished");
    assert.deepEqual(progress, ["running 1/4", "running 2/4", "running 3/4", "running 4/4"]);
    assert.deepEqual(viewOf(orchestrator, "scaled").elements, { finished: 4, count: 4 });
    assert.deepEqual(viewOf(orchestrator, "listed").elements, { finished: 3, count: 3 });
    assert.equal(viewOf(orchestrator, "context").elements, undefined, "not a map node");
  });

  test("a subgraph node is running while the run is stopped inside it; its why names the subgraph", async (t) => {
    const ws = copyFixture("v2");
    const { orchestrator } = await open(t, ws, "uses-a.graph");
    orchestrator.stopOnEntry();
    assert.equal(runView(orchestrator).current, "said");
    await settled(orchestrator, () => orchestrator.stepIn());
    assert.equal(orchestrator.levels.length, 2, "inside the subgraph");
    assert.deepEqual(runView(orchestrator).current, "said", "the current node is this graph's node");
    assert.deepEqual(viewOf(orchestrator, "said"), { state: "running", why: "stopped inside subgraph 'hello'" });
    await settled(orchestrator, () => orchestrator.step());
    assert.equal(viewOf(orchestrator, "said").state, "running", "still inside, at its second node");
    await settled(orchestrator, () => orchestrator.stepOut());
    assert.deepEqual([viewOf(orchestrator, "said").state, viewOf(orchestrator, "said").why], ["ran", "not every node of subgraph 'hello' came from the cache"]);
    assert.equal(await settled(orchestrator, () => orchestrator.continue()), "finished");
    assert.deepEqual([viewOf(orchestrator, "many").state, viewOf(orchestrator, "many").elements], ["ran", { finished: 2, count: 2 }]);

    const again = (await open(t, ws, "uses-a.graph")).orchestrator;
    assert.equal(await settled(again, () => again.continue()), "finished");
    assert.deepEqual(states(again).said, "cached (every node of subgraph 'hello' came from the cache)");
  });
});
