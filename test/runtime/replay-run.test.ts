// A replay's run in development mode (no Redis: the record is handed in): recorded nodes take
// production's output and do not run, unless re-run or made stale by a change upstream; a
// recorded node does not wait for a node that cannot run here; nodes out of reach never start.
import assert from "node:assert/strict";
import { once } from "node:events";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { openDevSession, type DevSession } from "../../src/runtime/dev-session";
import type { RecordedJob } from "../../src/runtime/recorded-job";
import { encodeValue } from "../../src/runtime/values";
import { repoRoot } from "../helpers";
import { copyFixture } from "./workspace";

/** A job of replayed.graph dead in loop `second` (a = 13, info recorded), or finished (out and info recorded). */
function recordedJob(status: "dead" | "done"): RecordedJob {
  const values = status === "dead" ? { a: 13, info: { n: 13 }, poison: 13 } : { out: 1, info: { n: 2 } };
  return {
    id: "7",
    status,
    values: Object.fromEntries(Object.entries(values).map(([name, value]) => [name, encodeValue(value)])),
    leftOut: [],
    recordLimitBytes: 1024,
    failures: status === "dead" ? [{ loop: "second", node: "checked", attempts: 2, error: "refusing 13", version: 1, diedAt: 0 }] : [],
  };
}

async function replaySession(t: TestContext, status: "dead" | "done", payload: unknown = {}): Promise<{ session: DevSession; logs: string[] }> {
  const ws = copyFixture("replay", "production");
  // Not refusing: what runs here is the local code.
  ws.edit("nodes.ts", (text) => text.replace("if (n === poison)", "if (n === poison && n < 0)"));
  const session = await openDevSession({
    graphPath: ws.path("replayed.graph"),
    payload,
    redis: { kind: "memory" },
    stateDir: ws.stateDir,
    cacheMode: "off",
    hostScript: join(repoRoot, "dist", "node-host.js"),
    replay: { read: async (graph) => (graph === "replayed" ? recordedJob(status) : assert.fail(graph)) },
  });
  t.after(() => session.close());
  const logs: string[] = [];
  session.orchestrator.on("log", ({ node, text }) => logs.push(`${node}: ${text}`));
  return { session, logs };
}

test("recorded nodes take production's output; the others run here; a node out of reach never starts and is no failure", async (t) => {
  const { session, logs } = await replaySession(t, "dead");
  const { orchestrator } = session;
  const finished = once(orchestrator, "finished");
  await orchestrator.continue();
  const [{ outputs, failed }] = (await finished) as [{ outputs: Record<string, unknown>; failed: boolean }];
  assert.equal(failed, false);
  assert.deepEqual(outputs, { out: 12, info: { n: 13 } });
  assert.deepEqual(
    orchestrator.graph.nodes.map((n) => [n.name, orchestrator.state(n.name).status, orchestrator.state(n.name).cache ?? null]),
    [
      ["a", "recorded", "recorded"],
      ["info", "recorded", "recorded"],
      ["side", "not-run", null],
      ["checked", "ran", "off"],
      ["out", "ran", "off"],
    ],
  );
  assert.deepEqual(logs, [], "inc did not run");
  assert.equal(orchestrator.state("side").outOfReach, "needs input 'n', which production did not record for job 7");
});

test("re-running a recorded node runs it here; an edit upstream makes the recorded nodes downstream run here", async (t) => {
  const { session, logs } = await replaySession(t, "dead", { n: 12 });
  const { orchestrator } = session;
  orchestrator.setStopCondition((node) => node.name === "checked");
  const stopped = once(orchestrator, "stopped");
  await orchestrator.continue();
  await stopped;
  await orchestrator.rerun("a");
  assert.deepEqual([orchestrator.state("a").status, orchestrator.state("a").value], ["ran", 13]);
  assert.deepEqual(logs, ["a: inc 12"]);
  await orchestrator.editOutput("a", 20);
  orchestrator.setStopCondition(undefined);
  const finished = once(orchestrator, "finished");
  await orchestrator.continue();
  await finished;
  // info is made of a: production's value of it no longer holds, so it ran here.
  assert.equal(orchestrator.state("info").status, "ran");
  assert.deepEqual((orchestrator.state("info").value as { n: number }).n, 20);
  assert.equal(orchestrator.state("out").value, 19);
});

test("a finished job: its recorded outputs are taken even where what they need cannot run here", async (t) => {
  const { session } = await replaySession(t, "done");
  const { orchestrator } = session;
  const finished = once(orchestrator, "finished");
  await orchestrator.continue();
  const [{ outputs, failed }] = (await finished) as [{ outputs: Record<string, unknown>; failed: boolean }];
  assert.equal(failed, false);
  assert.deepEqual(outputs, { out: 1, info: { n: 2 } });
  assert.deepEqual(
    ["a", "checked", "side"].map((name) => orchestrator.state(name).status),
    ["not-run", "not-run", "not-run"],
  );
});
