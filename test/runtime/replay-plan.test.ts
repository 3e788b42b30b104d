// What a replay takes from what production recorded (replay-plan.ts): the inputs and the
// outputs of the local graph's nodes, the node each failure stands for, and the nodes that
// cannot run here because production did not record a value they need.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { checkText } from "../../src/graph/checker";
import type { GraphModel } from "../../src/graph/model";
import { createModuleReader } from "../../src/graph/module-reader";
import type { RecordedFailure, RecordedJob } from "../../src/runtime/recorded-job";
import { replayPlan } from "../../src/runtime/replay-plan";
import { encodeValue } from "../../src/runtime/values";
import { fixturePath } from "../helpers";

function replayedGraph(): GraphModel {
  const path = fixturePath("production", "fixtures", "replay", "replayed.graph");
  const { graph } = checkText(readFileSync(path, "utf8"), { path, modules: createModuleReader() });
  assert.ok(graph);
  return graph;
}

const failure: RecordedFailure = { loop: "second", node: "checked", attempts: 2, error: "refusing 13", version: 1, diedAt: 0 };

function job(values: Record<string, unknown>, extra: Partial<RecordedJob> = {}): RecordedJob {
  return { id: "7", status: "dead", values: Object.fromEntries(Object.entries(values).map(([name, value]) => [name, encodeValue(value)])), leftOut: [], recordLimitBytes: 1024, failures: [failure], ...extra };
}

test("a job dead in a later loop: the inputs and outputs it carried there, the failed node, and what needs an input it did not carry", () => {
  const plan = replayPlan(replayedGraph(), job({ a: 13, info: { at: new Date(0) }, poison: 13 }));
  assert.deepEqual(plan.inputs, { poison: 13 });
  assert.deepEqual(plan.defaulted, []);
  assert.deepEqual([...plan.recorded], [["a", 13], ["info", { at: new Date(0) }]]);
  assert.deepEqual([...plan.failed.keys()], ["checked"]);
  assert.deepEqual([...plan.outOfReach], [["side", "needs input 'n', which production did not record for job 7"]]);
  assert.deepEqual(plan.notes, []);
});

test("a job whose worker died (no node named): the failed node is the first node of its loop without a recorded output", () => {
  const plan = replayPlan(replayedGraph(), job({ n: 12, poison: 13 }, { failures: [{ ...failure, loop: "first", node: "" }] }));
  assert.deepEqual([...plan.failed.keys()], ["a"]);
  assert.deepEqual([...plan.outOfReach], []);
});

test("a finished job: its outputs; the input given, then the defaults, fill what production did not keep", () => {
  const done = job({ out: 1, info: { n: 2 } }, { status: "done", failures: [] });
  const bare = replayPlan(replayedGraph(), done);
  assert.deepEqual([...bare.outOfReach.keys()], ["a", "side", "checked"]);
  assert.equal(bare.outOfReach.get("checked"), "needs 'a', which cannot run here");
  assert.deepEqual(bare.inputs, { poison: 13 });
  assert.deepEqual(bare.defaulted, ["poison"]);
  const given = replayPlan(replayedGraph(), done, { n: 1 });
  assert.deepEqual(given.inputs, { n: 1, poison: 13 });
  assert.deepEqual([...given.outOfReach], []);
  assert.deepEqual([...given.recorded.keys()], ["info", "out"]);
  // A recorded input wins over a given one: the replay is of production's job.
  assert.deepEqual(replayPlan(replayedGraph(), job({ a: 13, poison: 13 }), { poison: 99, n: 12 }).inputs, { poison: 13, n: 12 });
});

test("names the local graph has no node for are noted (a subgraph's inner nodes are not); a failure inside a subgraph call stands for the call; a value that does not decode is not taken", () => {
  const recorded = job({ a: 13, poison: 13, gone: 1, "checked/(inputs)": {}, "checked/inner": 2 }, { failures: [{ ...failure, node: "checked/inner" }, { ...failure, loop: "third", node: "vanished" }] });
  recorded.values.info = "not devalue";
  const plan = replayPlan(replayedGraph(), recorded);
  assert.deepEqual([...plan.failed.keys()], ["checked"]);
  assert.deepEqual([...plan.recorded.keys()], ["a"]);
  assert.deepEqual(plan.notes, [
    "production recorded values the local graph has no input or node for: gone",
    "the value production recorded for 'info' cannot be read here (it runs here instead)",
    "node 'vanished' (loop 'third') failed in production, and the local graph has no such node",
  ]);
  assert.deepEqual(plan.leftOut, []);
  assert.deepEqual(replayPlan(replayedGraph(), job({ a: 13, poison: 13 }, { leftOut: ["info", "checked/inner"] })).leftOut, ["info"]);
});
