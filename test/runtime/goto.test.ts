// The Orchestrator's goto() (Jump to Cursor) where the DAP tests do not reach: a node on the
// way that fails, a subgraph called on the way with a stop condition inside it, a jump
// refused while a node still runs. Real node hosts, an in-memory cache.
import assert from "node:assert/strict";
import { once } from "node:events";
import { join } from "node:path";
import { describe, test, type TestContext } from "node:test";
import { openDevSession, type DevSession } from "../../src/runtime/dev-session";
import type { Orchestrator, OrchestratorEvents } from "../../src/runtime/orchestrator";
import { repoRoot } from "../helpers";
import { copyFixture, type Workspace } from "./workspace";

async function open(t: TestContext, graph: string, payload: unknown, ws: Workspace): Promise<DevSession> {
  const session = await openDevSession({ graphPath: ws.path(graph), payload, redis: { kind: "memory" }, stateDir: ws.stateDir, cacheMode: "use", hostScript: join(repoRoot, "dist", "node-host.js"), poolSize: 2 });
  t.after(() => session.close());
  return session;
}

type Stop = OrchestratorEvents["stopped"][0];

/** Runs the action; resolves to the stop it ends at, or "finished". */
async function after(orchestrator: Orchestrator, action: () => Promise<void>): Promise<Stop | "finished"> {
  const outcome = Promise.race([once(orchestrator, "stopped").then(([e]) => e as Stop), once(orchestrator, "finished").then(() => "finished" as const)]);
  await action();
  return outcome;
}

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
