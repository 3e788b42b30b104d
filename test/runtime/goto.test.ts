// The Orchestrator's goto() (Jump to Cursor) where the DAP tests do not reach: a node on the
// way that fails, a subgraph called on the way with a stop condition inside it, a jump
// refused while a node still runs. Real node hosts, an in-memory cache.
import assert from "node:assert/strict";
import { once } from "node:events";
import { describe, test, type TestContext } from "node:test";
import { openSession, stopAfter, type Stop } from "./session-steps";
import { copyFixture, type Workspace } from "./workspace";

const open = (t: TestContext, graph: string, payload: unknown, ws: Workspace) => openSession(t, ws, graph, payload);
const after = stopAfter;

describe("goto", () => {
  test("a node on the way that fails is where the run stops, with the exception filter off too", async (t) => {
    const ws = copyFixture("v2");
    ws.write("failing.graph", ['graph failing', 'use "./nodes/v2.ts"', "input list = [1, 2, 3]", "node ok    = echo(list)", "node bad   = badThree(map ok)", "node after = echo(bad)", "output after"].join("\n"));
    const { orchestrator } = await open(t, "failing.graph", {}, ws);
    orchestrator.setStopOnError(false);
    orchestrator.stopOnEntry();
    assert.equal(orchestrator.current, "ok");
    const stop = await after(orchestrator, () => orchestrator.goto("after"));
    assert.deepEqual(stop, { reason: "exception", node: "bad" }, "after cannot be reached: the run stops at the node that failed, not at the end");
    assert.equal(orchestrator.state("bad").status, "failed");
    assert.equal(orchestrator.state("after").status, "pending");
  });

  test("a subgraph called on the way runs whole: the stop condition is not asked inside it", async (t) => {
    const { orchestrator } = await open(t, "uses-a.graph", {}, copyFixture("v2"));
    const asked: string[] = [];
    // A breakpoint on every node, of this graph and of the subgraph's.
    orchestrator.setStopCondition((node, _args, _values, graph) => {
      asked.push(`${graph.name}/${node.name}`);
      return true;
    });
    orchestrator.stopOnEntry();
    assert.equal(orchestrator.current, "said");
    const stop = await after(orchestrator, () => orchestrator.goto("again"));
    assert.deepEqual(stop, { reason: "goto", node: "again" });
    assert.deepEqual(asked, [], "nothing asked on the way");
    assert.deepEqual(orchestrator.levels.map((l) => l.node), ["again"], "not stopped inside the subgraph");
    assert.deepEqual(orchestrator.state("said").value, { text: "Hello, Ada", loud: "HELLO, ADA" });
    // Stops hold again once the run goes on from there.
    const next = await after(orchestrator, () => orchestrator.continue());
    assert.equal(next === "finished" ? next : next.reason, "breakpoint");
  });

  test("goto is refused while a node still runs (paused at it), and for a name that is no node", async (t) => {
    const ws = copyFixture("behaviours");
    ws.write("hang.graph", ['graph hang', 'use "./nodes/behaviours.ts"', "node stuck = hangs()", "node later = hangs()"].join("\n"));
    const { orchestrator } = await open(t, "hang.graph", {}, ws);
    const running = once(orchestrator, "callsStarted");
    const stopped = after(orchestrator, () => orchestrator.continue());
    await running;
    orchestrator.pause();
    assert.equal(((await stopped) as Stop).reason, "pause");
    assert.match(orchestrator.gotoRefusal("later") ?? "", /cannot jump while node '(stuck|later)' still runs: let it finish \(next\) or cancel it first/);
    await assert.rejects(orchestrator.goto("later"), /still runs/);
    assert.equal(orchestrator.gotoRefusal("nowhere"), "no node 'nowhere' in graph 'hang'");
  });
});
