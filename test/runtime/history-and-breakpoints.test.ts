// The runtime's parts of stepping back and of breakpoints, without the adapter: the history
// cursor over a finished job's records, and node breakpoints with conditions, hit counts and
// logpoints evaluated over a node's parameters and the job's values.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { ExpressionEvaluator } from "../../src/runtime/expression-evaluator";
import { HistoryCursor } from "../../src/runtime/history-cursor";
import { NodeBreakpoints, type BreakpointLine } from "../../src/runtime/node-breakpoints";
import { openSession, stopAfter } from "./session-steps";
import { copyFixture } from "./workspace";

const evaluator = new ExpressionEvaluator();
after(() => evaluator.dispose());

test("the history cursor moves through the finished nodes, showing each one's record and the outputs as of then", async (t) => {
  const ws = copyFixture("pipeline");
  const { orchestrator: job } = await openSession(t, ws, "pipeline.graph", { n: 3 }, { cacheMode: "off" });
  job.stopOnEntry();
  assert.equal(await stopAfter(job, () => job.continue()), "finished");
  const order = job.history.map((r) => r.name);
  assert.equal(order.length, 5);
  const cursor = new HistoryCursor(job);
  assert.equal(cursor.inPast, false);
  assert.deepEqual(Object.keys(cursor.outputs(job)).sort(), ["doubled", "shout", "squared", "stamp", "total"]);

  assert.equal(cursor.back(), true);
  assert.equal(cursor.currentNode, order[4]);
  assert.equal(cursor.back(), true);
  assert.equal(cursor.currentNode, order[3]);
  // As of the cursor: only the nodes finished up to it have outputs.
  assert.deepEqual(Object.keys(cursor.outputs(job)).sort(), order.slice(0, 4).sort());
  assert.equal(cursor.recordOf(job, order[4]), undefined, "a node finished after the cursor has no record yet");
  assert.equal(cursor.recordOf(job, order[0])?.name, order[0]);

  // To the first record, and no further.
  while (cursor.back());
  assert.equal(cursor.currentNode, order[0]);
  assert.deepEqual(Object.keys(cursor.outputs(job)), [order[0]]);

  // Forward again, into the present after the last record.
  for (let i = 0; i < 4; i++) cursor.forward();
  assert.equal(cursor.currentNode, order[4]);
  cursor.forward();
  assert.equal(cursor.inPast, false);

  // A reverse continue goes back to the latest earlier record of a node in the set, else to the first.
  cursor.backTo(new Set([order[2]]));
  assert.equal(cursor.currentNode, order[2]);
  cursor.backTo(new Set([order[2]]));
  assert.equal(cursor.currentNode, order[0]);
  cursor.toPresent();
  assert.equal(cursor.inPast, false);
});

test("node breakpoints: a condition over the call's parameters (its arguments by parameter name) and values, a hit count, a logpoint that says its line and does not stop", async () => {
  const ws = copyFixture("pipeline");
  const said: BreakpointLine[] = [];
  const breakpoints = new NodeBreakpoints(evaluator, (line) => said.push(line), (value) => JSON.stringify(value));
  const graph = { file: ws.path("pipeline.graph") } as Parameters<NodeBreakpoints["stopsBefore"]>[3];
  /** A node whose function takes the parameters named. */
  const node = (name: string, ...parameters: string[]) => ({ name, function: { parameters: parameters.map((p) => ({ name: p })) } }) as unknown as Parameters<NodeBreakpoints["stopsBefore"]>[0];

  breakpoints.set(ws.path("pipeline.graph"), [
    { node: "total", condition: "a > 5" },
    { node: "squared", hitCondition: "2" },
    { node: "shout", logMessage: "word is {word}, n is {n}" },
    { node: "stamp", condition: "no such name +" },
  ]);
  assert.deepEqual([...breakpoints.nodesWithBreakpoint(ws.path("pipeline.graph"))].sort(), ["shout", "squared", "stamp", "total"]);
  assert.deepEqual([...breakpoints.nodesWithBreakpoint(ws.path("other.graph"))], []);

  assert.equal(await breakpoints.stopsBefore(node("total", "a"), [6], {}, graph), true);
  assert.equal(await breakpoints.stopsBefore(node("total", "a"), [5], {}, graph), false);
  // Exactly the second hit.
  assert.deepEqual([await breakpoints.stopsBefore(node("squared"), [], {}, graph), await breakpoints.stopsBefore(node("squared"), [], {}, graph), await breakpoints.stopsBefore(node("squared"), [], {}, graph)], [false, true, false]);
  assert.equal(await breakpoints.stopsBefore(node("shout"), [], { word: "hello", n: 3 }, graph), false);
  assert.deepEqual(said.shift(), { kind: "log", text: "word is hello, n is 3" });
  // A condition that cannot be evaluated stops, and says why.
  assert.equal(await breakpoints.stopsBefore(node("stamp"), [], {}, graph), true);
  assert.equal(said.shift()?.kind, "conditionError");
  // A node without a breakpoint, or of another file, never stops.
  assert.equal(await breakpoints.stopsBefore(node("doubled"), [], {}, graph), false);
  assert.equal(await breakpoints.stopsBefore(node("total", "a"), [6], {}, { file: ws.path("other.graph") } as typeof graph), false);
  // Setting a file's breakpoints again starts their hit counts again.
  breakpoints.set(ws.path("pipeline.graph"), [{ node: "squared", hitCondition: "1" }]);
  assert.equal(await breakpoints.stopsBefore(node("squared"), [], {}, graph), true);
});
