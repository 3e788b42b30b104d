// The Orchestrator's API as the debug adapter will drive it: stepping in a deterministic
// order, stop conditions, pause, parallel continue, history, re-run and edits.
import assert from "node:assert/strict";
import { once } from "node:events";
import { join } from "node:path";
import { describe, test, type TestContext } from "node:test";
import { openDevSession, type DevSession } from "../../src/runtime/dev-session";
import type { Orchestrator, OrchestratorEvents } from "../../src/runtime/orchestrator";
import { repoRoot } from "../helpers";
import { copyFixture, type Workspace } from "./workspace";

async function open(t: TestContext, ws: Workspace, graph: string, payload: unknown, options: { poolSize?: number; stopOnError?: boolean } = {}): Promise<DevSession> {
  const session = await openDevSession({
    graphPath: ws.path(graph),
    payload,
    redis: { kind: "memory" },
    stateDir: ws.stateDir,
    cacheMode: "use",
    hostScript: join(repoRoot, "dist", "node-host.js"),
    ...options,
  });
  t.after(() => session.close());
  return session;
}

/** Records every event, in order, as `event:node`. */
function record(orchestrator: Orchestrator): string[] {
  const events: string[] = [];
  for (const event of ["nodeStarted", "nodeFinished", "stopped", "finished"] as const) {
    orchestrator.on(event, ((payload: { node?: string; reason?: string }) => events.push(`${event}:${payload.reason ? `${payload.reason}:` : ""}${payload.node ?? ""}`)) as never);
  }
  return events;
}

async function stepped(orchestrator: Orchestrator, action: () => Promise<void>): Promise<OrchestratorEvents["stopped"][0] | "finished"> {
  const outcome = Promise.race([once(orchestrator, "stopped").then(([e]) => e as OrchestratorEvents["stopped"][0]), once(orchestrator, "finished").then(() => "finished" as const)]);
  await action();
  return outcome;
}

describe("stepping", () => {
  test("stops on entry, then steps one node at a time in topological order, ties by line", async (t) => {
    const { orchestrator } = await open(t, copyFixture("pipeline"), "pipeline.graph", { n: 3 });
    const stops: string[] = [];
    orchestrator.on("stopped", ({ node }) => stops.push(node));
    orchestrator.stopOnEntry();
    for (let i = 0; i < 10 && (await stepped(orchestrator, () => orchestrator.step())) !== "finished"; i++);
    assert.deepEqual(stops, ["doubled", "squared", "total", "shout", "stamp"]);
    assert.equal(orchestrator.outputs().total, 15);
    assert.deepEqual(orchestrator.history.map((h) => h.name), ["doubled", "squared", "total", "shout", "stamp"]);
  });

  test("a stop condition sees the node's arguments and the values so far", async (t) => {
    for (const [n, expected] of [[3, "breakpoint"], [1, "finished"]] as const) {
      const { orchestrator } = await open(t, copyFixture("pipeline"), "pipeline.graph", { n });
      orchestrator.setStopCondition((node, args, values) => node.name === "total" && (args[0] as number) > 5 && values.squared === n * n);
      const outcome = await stepped(orchestrator, () => orchestrator.continue());
      assert.equal(outcome === "finished" ? "finished" : outcome.reason, expected);
      if (outcome !== "finished") {
        assert.equal(outcome.node, "total");
        assert.deepEqual(orchestrator.argumentValues(orchestrator.state("total").node), [6, 9]);
        assert.equal(orchestrator.state("total").status, "pending");
      }
    }
  });

  test("continuing from a stop does not stop again at the same node", async (t) => {
    const { orchestrator } = await open(t, copyFixture("pipeline"), "pipeline.graph", { n: 3 });
    orchestrator.setStopCondition((node) => node.name === "total");
    assert.notEqual(await stepped(orchestrator, () => orchestrator.continue()), "finished");
    assert.equal(await stepped(orchestrator, () => orchestrator.continue()), "finished");
  });

  test("stepOut runs to the end of the current loop", async (t) => {
    const ws = copyFixture("pipeline");
    ws.edit("pipeline.graph", (text) => `${text}\nloop numbers { doubled, squared, total }\nloop words { shout, stamp }\n`);
    const { orchestrator } = await open(t, ws, "pipeline.graph", { n: 3 });
    orchestrator.stopOnEntry();
    const outcome = await stepped(orchestrator, () => orchestrator.stepOut());
    assert.ok(outcome !== "finished");
    assert.equal(outcome.node, "shout");
    // Continuing runs independent nodes in parallel, so they may finish in either order.
    assert.deepEqual(orchestrator.history.map((h) => h.name).sort(), ["doubled", "squared", "total"]);
  });
});

describe("running", () => {
  test("independent nodes run in parallel while continuing", async (t) => {
    const ws = copyFixture("behaviours");
    ws.write("wide.graph", ['graph wide', 'use "./nodes/behaviours.ts"', "node a = sleep(300)", "node b = sleep(301)", "node c = fine()"].join("\n"));
    const { orchestrator } = await open(t, ws, "wide.graph", {}, { poolSize: 2 });
    const events = record(orchestrator);
    await stepped(orchestrator, () => orchestrator.continue());
    const firstFinish = events.findIndex((e) => e.startsWith("nodeFinished"));
    assert.ok(events.indexOf("nodeStarted:a") < firstFinish && events.indexOf("nodeStarted:b") < firstFinish, events.join(", "));
  });

  test("pause stops at a node that never returns; closing the session kills its host", async (t) => {
    const ws = copyFixture("behaviours");
    ws.write("hang.graph", ['graph hang', 'use "./nodes/behaviours.ts"', "node stuck = hangs()", "node after = fine()"].join("\n"));
    const session = await open(t, ws, "hang.graph", {});
    const { orchestrator } = session;
    const stoppedAt = once(orchestrator, "stopped");
    const driving = orchestrator.continue();
    await once(orchestrator, "nodeStarted");
    setTimeout(() => orchestrator.pause(), 100);
    const [{ reason, node }] = (await stoppedAt) as OrchestratorEvents["stopped"];
    await driving;
    assert.deepEqual([reason, node], ["pause", "stuck"]);
    assert.equal(orchestrator.state("stuck").status, "running");
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the pool is private; the test checks its processes
    const pids = ((orchestrator as any).options.pool as { pids: number[] }).pids;
    assert.ok(pids.length >= 1);
    await session.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    for (const pid of pids) assert.throws(() => process.kill(pid, 0), /ESRCH/, "the hosts are gone");
  });

  test("a failing node stops the run when asked to (stopOnError), and the rest can go on", async (t) => {
    const ws = copyFixture("behaviours");
    ws.write("fail.graph", ['graph fail', 'use "./nodes/behaviours.ts"', 'node broken = throws("x")', "node later = fine()"].join("\n"));
    const { orchestrator } = await open(t, ws, "fail.graph", {}, { stopOnError: true, poolSize: 1 });
    const outcome = await stepped(orchestrator, () => orchestrator.continue());
    assert.ok(outcome !== "finished");
    assert.deepEqual([outcome.reason, outcome.node], ["exception", "broken"]);
    assert.match(orchestrator.state("broken").error?.stack ?? "", /behaviours\.ts:45/);
    assert.equal(await stepped(orchestrator, () => orchestrator.continue()), "finished");
    assert.equal(orchestrator.state("later").status, "ran");
  });

  test("a failure is not missed when the node finishes while the next one's stop condition is still being asked", async (t) => {
    const ws = copyFixture("behaviours");
    ws.write("fail.graph", ['graph fail', 'use "./nodes/behaviours.ts"', 'node broken = throws("x")', "node later = fine()"].join("\n"));
    const { orchestrator } = await open(t, ws, "fail.graph", {}, { stopOnError: true, poolSize: 2 });
    // Asking about `later` takes long enough for `broken` to fail meanwhile.
    orchestrator.setStopCondition(async (node) => {
      if (node.name === "later") await new Promise((resolve) => setTimeout(resolve, 1000));
      return false;
    });
    const outcome = await stepped(orchestrator, () => orchestrator.continue());
    assert.ok(outcome !== "finished", "the run stops at the failure");
    assert.deepEqual([outcome.reason, outcome.node], ["exception", "broken"]);
  });

  test("node logs come tagged with the node", async (t) => {
    const ws = copyFixture("behaviours");
    ws.write("log.graph", ['graph log', 'use "./nodes/behaviours.ts"', "node wobbly = flaky()  [retry: 2]"].join("\n"));
    const { orchestrator } = await open(t, ws, "log.graph", {});
    const logs: string[] = [];
    orchestrator.on("log", ({ node, level, text }) => logs.push(`${node} ${level} ${text}`));
    await stepped(orchestrator, () => orchestrator.continue());
    assert.deepEqual(logs.filter((l) => l.includes("log attempt")), ["wobbly log attempt 1", "wobbly log attempt 2", "wobbly log attempt 3"]);
    assert.equal(orchestrator.state("wobbly").attempts, 3);
  });
});

describe("changing the past", () => {
  test("an edited output is cached as edited and the nodes downstream run again with it", async (t) => {
    const ws = copyFixture("pipeline");
    const { orchestrator } = await open(t, ws, "pipeline.graph", { n: 3 });
    await stepped(orchestrator, () => orchestrator.continue());
    assert.equal(orchestrator.outputs().total, 15);
    await orchestrator.editOutput("doubled", 100);
    assert.equal(orchestrator.state("doubled").cache, "edited");
    assert.equal(orchestrator.state("total").status, "pending", "downstream is stale");
    assert.equal(orchestrator.state("shout").status, "ran", "elsewhere is untouched");
    assert.equal(await stepped(orchestrator, () => orchestrator.continue()), "finished");
    assert.equal(orchestrator.outputs().total, 109);
    assert.deepEqual(
      orchestrator.history.filter((h) => h.name === "total").map((h) => h.value),
      [15, 109],
      "history keeps what each run produced",
    );
  });

  test("rerun runs a node again skipping the cache", async (t) => {
    const ws = copyFixture("pipeline");
    const first = await open(t, ws, "pipeline.graph", { n: 3 });
    await stepped(first.orchestrator, () => first.orchestrator.continue());
    const { orchestrator } = first;
    assert.equal(orchestrator.state("squared").cache, "miss");
    await orchestrator.rerun("squared");
    assert.equal(orchestrator.state("squared").status, "ran");
    assert.equal(orchestrator.state("total").status, "pending");
    await assert.rejects(() => orchestrator.rerun("nope"), /no node 'nope'/);
  });
});
