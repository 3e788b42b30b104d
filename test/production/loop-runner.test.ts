// The loop runner's two ways through a loop: a chain (each node needs the one before it)
// one node after the other, with its outcome at once when every node's is; any other loop
// each node as soon as the nodes it needs are done. Both keep the same rules: a failure
// stops what needs the node and nothing else, a skip passes on, outputs are encoded.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { checkText } from "../../src/graph/checker";
import type { GraphModel } from "../../src/graph/model";
import { createModuleReader } from "../../src/graph/module-reader";
import { byName, type JobMessage } from "../../src/production/job-message";
import { ElementSlots } from "../../src/production/element-slots";
import type { LoadedNode } from "../../src/production/loaded-version";
import { runLoop, type LoopOutcome } from "../../src/production/loop-runner";
import { compileProductionGraph, type ProductionGraph } from "../../src/production/production-graph";
import type { NodeFunction } from "../../src/runtime/node-call";
import { decodeValue, encodeValue } from "../../src/runtime/values";
import { fixturePath } from "../helpers";

const path = fixturePath("production", "fixtures", "runner", "runner.graph");
const model = checkText(readFileSync(path, "utf8"), { path, modules: createModuleReader() }).graph as GraphModel;
const graph: ProductionGraph = compileProductionGraph(model, [...new Set(model.nodes.map((n) => n.modulePath))], new Map());
const loopNamed = (name: string) => graph.loops.find((l) => l.name === name) as ProductionGraph["loops"][number];

/** The graph's nodes with these functions (by node name), and the names of those called, in order. */
function version(fns: Record<string, NodeFunction>): { nodes: Map<string, LoadedNode>; graph: ProductionGraph; called: string[] } {
  const called: string[] = [];
  const nodes = new Map(
    graph.nodes.map((node): [string, LoadedNode] => [
      node.name,
      {
        node,
        fn: (...args) => {
          called.push(node.name);
          return fns[node.name](...args);
        },
      },
    ]),
  );
  return { nodes, graph, called };
}

function job(values: Record<string, unknown>): JobMessage {
  return { id: "job-1", v: 1, t: 0, q: 0, values: Object.assign(byName<string>(), Object.fromEntries(Object.entries(values).map(([k, v]) => [k, encodeValue(v)]))) };
}

const options = { elementSlots: new ElementSlots(4), log: () => undefined };
const decoded = (outcome: LoopOutcome, name: string) => decodeValue(outcome.values[name]);
const plain = { a: (n: unknown) => (n as number) + 1, b: (a: unknown) => (a as number) * 2, c: (n: unknown) => (n as number) * 2, e: (b: unknown) => (b as number) + 1, d: (e: unknown, c: unknown) => (e as number) + (c as number) };

test("a chain of functions that return values has its outcome at once, each output encoded", () => {
  const v = version(plain);
  const outcome = runLoop(v, loopNamed("chained"), job({ n: 3 }), options);
  assert.ok(!(outcome instanceof Promise), "no promise for a chain of plain functions");
  assert.equal(outcome.ok, true);
  assert.equal(decoded(outcome, "a"), 4);
  assert.equal(decoded(outcome, "b"), 8);
  assert.deepEqual(v.called, ["a", "b"]);
});

test("a chain whose node returns a promise goes on after it, in order", async () => {
  const v = version({ ...plain, a: async (n: unknown) => (n as number) + 1 });
  const running = runLoop(v, loopNamed("chained"), job({ n: 3 }), options);
  assert.ok(running instanceof Promise);
  const outcome = await running;
  assert.equal(outcome.ok, true);
  assert.equal(decoded(outcome, "b"), 8);
  assert.deepEqual(v.called, ["a", "b"]);
});

test("a chain stops at the node that fails: what needs it is not called", () => {
  const v = version({
    ...plain,
    a: () => {
      throw new Error("no a today");
    },
  });
  const outcome = runLoop(v, loopNamed("chained"), job({ n: 3 }), options) as LoopOutcome;
  assert.equal(outcome.ok, false);
  assert.ok(outcome.ok === false && outcome.node.name === "a" && outcome.message === "no a today" && outcome.attempt === 1 && outcome.retryable);
  assert.deepEqual(v.called, ["a"]);
  assert.equal(outcome.values.a, undefined);
});

test("a chain passes a skip on: a node that needs a skipped one is skipped too", () => {
  const v = version(plain);
  const outcome = runLoop(v, loopNamed("chained"), job({ n: 0 }), options) as LoopOutcome;
  assert.equal(outcome.ok, true);
  assert.ok(outcome.ok === true && outcome.skipped.join() === "a,b");
  assert.deepEqual(v.called, []);
});

test("a chain resumes a retried job: a node computed by an earlier attempt is not called again", () => {
  const v = version(plain);
  const outcome = runLoop(v, loopNamed("chained"), job({ n: 3, a: 40 }), options) as LoopOutcome;
  assert.equal(outcome.ok, true);
  assert.equal(decoded(outcome, "b"), 80);
  assert.deepEqual(v.called, ["b"]);
});

test("a loop that is no chain runs its nodes as their inputs come: a failure stops what needs it, not the rest", async () => {
  // `fanned` reads b from the loop before it: c needs only n, e only b, d both of them.
  const v = version({
    ...plain,
    c: async () => {
      throw new Error("no c today");
    },
  });
  const outcome = await runLoop(v, loopNamed("fanned"), job({ n: 3, b: 8 }), options);
  assert.equal(outcome.ok, false);
  assert.ok(outcome.ok === false && outcome.node.name === "c" && outcome.message === "no c today");
  assert.deepEqual(v.called.sort(), ["c", "e"]);
  assert.equal(decoded(outcome, "e"), 9, "e ran: it needs nothing that failed");
  const done = await runLoop(version(plain), loopNamed("fanned"), job({ n: 3, b: 8 }), options);
  assert.equal(done.ok, true);
  assert.equal(decoded(done, "d"), 15);
});
