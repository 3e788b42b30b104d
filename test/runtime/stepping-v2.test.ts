// Stepping through language v2 constructs in the Orchestrator: a map node's elements are
// steps of their own, and a subgraph node can be entered and driven node by node.
// Real node hosts, an in-memory cache.
import assert from "node:assert/strict";
import { describe, test, type TestContext } from "node:test";
import type { Orchestrator } from "../../src/runtime/orchestrator";
import { openSession, stopAfter } from "./session-steps";
import { copyFixture } from "./workspace";

const open = (t: TestContext, graph: string, payload: unknown, ws = copyFixture("v2")) => openSession(t, ws, graph, payload);
const after = stopAfter;

/** Where the run stands: each level's node (with `[i]` at a map element), outermost first. */
function where(orchestrator: Orchestrator): string {
  return orchestrator.levels.map((l) => `${l.node}${l.element ? `[${l.element.index}]` : ""}`).join(" > ");
}

function logsOf(orchestrator: Orchestrator): string[] {
  const logs: string[] = [];
  orchestrator.on("log", ({ node, text }) => logs.push(`${node}: ${text}`));
  return logs;
}

describe("map elements are steps", () => {
  test("a step onto a map node stops before element 0; each step runs one element; continue runs the rest", async (t) => {
    const { orchestrator } = await open(t, "map.graph", {});
    const logs = logsOf(orchestrator);
    orchestrator.stopOnEntry();
    assert.equal(where(orchestrator), "items");
    const first = await after(orchestrator, () => orchestrator.step());
    assert.deepEqual(first, { reason: "step", node: "scaled", element: 0 });
    assert.equal(where(orchestrator), "scaled[0]");
    assert.deepEqual(orchestrator.currentElement, { index: 0, count: 4, args: [1, 10] });
    assert.equal(orchestrator.state("scaled").status, "pending", "nothing of it ran yet");
    await after(orchestrator, () => orchestrator.step());
    assert.equal(where(orchestrator), "scaled[1]");
    assert.deepEqual(orchestrator.currentElement, { index: 1, count: 4, args: [2, 10] });
    assert.deepEqual(logs, ["scaled: scale 1 at 0 of 4"], "one element ran");
    assert.deepEqual(orchestrator.state("scaled").elements, { count: 4, finished: 1 });
    assert.equal(await after(orchestrator, () => orchestrator.continue()), "finished");
    assert.deepEqual(orchestrator.outputs().scaled, [10, 20, 30, 40]);
    assert.equal(logs.filter((l) => l.startsWith("scaled")).length, 4, "each element ran once");
    assert.equal(orchestrator.history.filter((h) => h.name === "scaled").length, 1, "the node finished once, as one record");
  });

  test("a step on the last element finishes the node and stops before the next node", async (t) => {
    const { orchestrator } = await open(t, "map.graph", { n: 2 });
    orchestrator.stopOnEntry();
    const stops: string[] = [];
    for (let i = 0; i < 4; i++) {
      await after(orchestrator, () => orchestrator.step());
      stops.push(where(orchestrator));
    }
    assert.deepEqual(stops, ["scaled[0]", "scaled[1]", "listed[0]", "listed[1]"]);
    assert.equal(orchestrator.state("scaled").status, "ran");
    assert.deepEqual(orchestrator.state("scaled").value, [10, 20]);
  });

  test("stepOut from an element runs the remaining elements and stops after the node", async (t) => {
    const { orchestrator } = await open(t, "map.graph", {});
    orchestrator.stopOnEntry();
    await after(orchestrator, () => orchestrator.step());
    await after(orchestrator, () => orchestrator.step());
    assert.equal(where(orchestrator), "scaled[1]");
    const out = await after(orchestrator, () => orchestrator.stepOut());
    assert.deepEqual(out, { reason: "step", node: "listed", element: 0 });
    assert.deepEqual(orchestrator.state("scaled").value, [10, 20, 30, 40]);
    assert.equal(orchestrator.state("listed").status, "pending");
  });

  test("a breakpoint stops once before the whole node; next runs it whole, stepIn goes to element 0", async (t) => {
    const { orchestrator } = await open(t, "map.graph", {});
    const asked: string[] = [];
    orchestrator.setStopCondition((node) => {
      asked.push(node.name);
      return node.name === "scaled";
    });
    const stop = await after(orchestrator, () => orchestrator.continue());
    assert.deepEqual(stop, { reason: "breakpoint", node: "scaled" });
    assert.equal(orchestrator.currentElement, undefined, "before the node, not an element");
    const entered = await after(orchestrator, () => orchestrator.stepIn());
    assert.deepEqual(entered, { reason: "step", node: "scaled", element: 0 });
    assert.equal(orchestrator.state("scaled").status, "pending", "stepping in runs nothing");
    await after(orchestrator, () => orchestrator.step());
    assert.equal(where(orchestrator), "scaled[1]");
    assert.equal(await after(orchestrator, () => orchestrator.continue()), "finished");
    assert.equal(asked.filter((n) => n === "scaled").length, 1, "asked about the node once, not per element");

    const second = await open(t, "map.graph", {});
    second.orchestrator.setStopCondition((node) => node.name === "scaled");
    await after(second.orchestrator, () => second.orchestrator.continue());
    // Continuing ran listed and context beside items: after scaled, nothing is left.
    assert.equal(await after(second.orchestrator, () => second.orchestrator.step()), "finished");
    assert.deepEqual(second.orchestrator.state("scaled").value, [10, 20, 30, 40], "next at the node ran every element");
  });

  test("while stepping through a map node's elements, what it uses cannot be edited or re-run", async (t) => {
    const { orchestrator } = await open(t, "map.graph", {});
    orchestrator.stopOnEntry();
    await after(orchestrator, () => orchestrator.step());
    await after(orchestrator, () => orchestrator.step());
    assert.equal(where(orchestrator), "scaled[1]");
    const refusal = /cannot (edit|re-run) 'items' while stopped inside 'scaled', which uses it: step out of 'scaled' first/;
    await assert.rejects(orchestrator.editOutput("items", [7]), refusal);
    await assert.rejects(orchestrator.rerun("items"), refusal);
    await assert.rejects(orchestrator.rerun("scaled"), /cannot re-run 'scaled' while stopped inside it: step out of it first/);
    assert.deepEqual(orchestrator.state("items").value, [1, 2, 3, 4], "unchanged");
    assert.equal(await after(orchestrator, () => orchestrator.continue()), "finished");
    assert.deepEqual(orchestrator.outputs().scaled, [10, 20, 30, 40]);
  });

  test("a map node with no elements is a step of its own, and stepIn on it runs it", async (t) => {
    const { orchestrator } = await open(t, "map.graph", { n: 0 });
    orchestrator.stopOnEntry();
    await after(orchestrator, () => orchestrator.step());
    assert.equal(where(orchestrator), "scaled");
    await after(orchestrator, () => orchestrator.stepIn());
    assert.deepEqual(orchestrator.state("scaled").value, [], "stepIn on it runs it");
  });

  test("a skipped map node and a pinned one are single steps", async (t) => {
    const ws = copyFixture("v2");
    ws.write("single.graph", ['graph single', 'use "./nodes/v2.ts"', "input list = [1, 2]", "input on = false", "node off = scale(map list, 2) when on", 'node fixed = scale(map list, 3)  [pin: "./pins/rates.json"]', "node last = echo(list)"].join("\n"));
    const { orchestrator } = await open(t, "single.graph", {}, ws);
    orchestrator.stopOnEntry();
    const stops = [where(orchestrator)];
    for (let outcome = await after(orchestrator, () => orchestrator.step()); outcome !== "finished"; outcome = await after(orchestrator, () => orchestrator.step())) stops.push(where(orchestrator));
    assert.deepEqual(stops, ["off", "fixed", "last"]);
    assert.equal(orchestrator.state("off").status, "skipped");
    assert.equal(orchestrator.state("fixed").status, "pinned");
  });
});

describe("entering a subgraph", () => {
  test("stepIn on a subgraph node stops before the subgraph's first node; next steps its nodes; after its last, the caller moves on", async (t) => {
    const { orchestrator } = await open(t, "uses-a.graph", {});
    orchestrator.stopOnEntry();
    assert.equal(where(orchestrator), "said");
    const entered = await after(orchestrator, () => orchestrator.stepIn());
    assert.deepEqual(entered, { reason: "step", node: "said" });
    assert.equal(where(orchestrator), "said > text");
    const inner = orchestrator.levels[1].job;
    assert.match(inner.graph.file, /greeting\.graph$/);
    assert.deepEqual(inner.argumentValues(inner.state("text").node), ["Ada", "Hello"]);
    assert.equal(orchestrator.state("said").status, "running");
    await after(orchestrator, () => orchestrator.step());
    assert.equal(where(orchestrator), "said > loud");
    assert.equal(inner.state("text").value, "Hello, Ada");
    await after(orchestrator, () => orchestrator.step());
    assert.equal(where(orchestrator), "again", "the subgraph finished: stopped after its node");
    assert.deepEqual(orchestrator.state("said").value, { text: "Hello, Ada", loud: "HELLO, ADA" });
    assert.equal(await after(orchestrator, () => orchestrator.continue()), "finished");
    assert.equal(orchestrator.outputs().again, "HELLO, ADA");
  });

  test("stepOut inside a subgraph runs the rest of it and stops after its node; next over it runs it whole", async (t) => {
    const { orchestrator } = await open(t, "uses-a.graph", {});
    orchestrator.stopOnEntry();
    await after(orchestrator, () => orchestrator.stepIn());
    assert.equal(where(orchestrator), "said > text");
    await after(orchestrator, () => orchestrator.stepOut());
    assert.equal(where(orchestrator), "again");
    assert.equal(orchestrator.state("said").status, "ran");

    const second = await open(t, "uses-a.graph", {});
    second.orchestrator.stopOnEntry();
    await after(second.orchestrator, () => second.orchestrator.step());
    assert.equal(where(second.orchestrator), "again");
    assert.equal(second.orchestrator.state("said").status, "ran");
  });

  test("a stop condition holds inside a subgraph while continuing: it is asked with the subgraph's graph", async (t) => {
    const { orchestrator } = await open(t, "uses-a.graph", {});
    const asked: string[] = [];
    orchestrator.setStopCondition((node, _args, _values, graph) => {
      asked.push(`${graph.name}/${node.name}`);
      return graph.name === "greeting" && node.name === "loud";
    });
    const stop = await after(orchestrator, () => orchestrator.continue());
    assert.deepEqual(stop, { reason: "breakpoint", node: "said" });
    assert.equal(where(orchestrator), "said > loud");
    assert.equal(orchestrator.levels[1].job.state("text").status, "ran");
    assert.equal(await after(orchestrator, () => orchestrator.continue()), "finished");
    assert.deepEqual(orchestrator.outputs().many, [
      { text: "Hi, x", loud: "HI, X" },
      { text: "Hi, y", loud: "HI, Y" },
    ]);
    assert.ok(asked.includes("greeting/text") && asked.includes("usesa/again"), asked.join(", "));
  });

  test("pause while continuing inside a subgraph stops inside it, at the node still running", async (t) => {
    const ws = copyFixture("behaviours");
    ws.write("inner.graph", ['graph inner', 'use "./nodes/behaviours.ts"', "node first = fine()", "node stuck = hangs()"].join("\n"));
    ws.write("outer.graph", ['graph outer', 'use graph "./inner.graph" as inner', "node called = inner()"].join("\n"));
    const { orchestrator } = await open(t, "outer.graph", {}, ws);
    orchestrator.setStopCondition((node, _args, _values, graph) => graph.name === "inner" && node.name === "first");
    await after(orchestrator, () => orchestrator.continue());
    assert.equal(where(orchestrator), "called > first");
    const inner = orchestrator.levels[1].job;
    const stuckStarted = new Promise<void>((resolve) => inner.on("nodeStarted", ({ node }) => node === "stuck" && resolve()));
    const firstFinished = new Promise<void>((resolve) => inner.on("nodeFinished", ({ node }) => node === "first" && resolve()));
    const stopped = after(orchestrator, () => orchestrator.continue());
    await Promise.all([stuckStarted, firstFinished]);
    setTimeout(() => orchestrator.pause(), 100);
    assert.deepEqual(await stopped, { reason: "pause", node: "called" });
    assert.equal(where(orchestrator), "called > stuck");
    assert.equal(inner.state("stuck").status, "running");
  });
});
