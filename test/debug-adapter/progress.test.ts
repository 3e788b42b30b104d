// Long nodes: a `progress` notification for a node that runs longer than a second (a map
// node's counting its elements), and cancelling it, driven by a real DAP client against a
// redis-server the test starts (docs/debugging.md, "Long nodes").
import type { DebugClient } from "@vscode/debugadapter-testsupport";
import type { DebugProtocol } from "@vscode/debugprotocol";
import assert from "node:assert/strict";
import { after, before, describe, test, type TestContext } from "node:test";
import { startTestRedis, type TestRedis } from "../redis-harness";
import { copyFixture } from "../runtime/workspace";
import { collectOutput, launch, scopeValues, stoppedAt, variables, type ClientCapabilities } from "./dap-helpers";

let redis: TestRedis;
before(async () => {
  redis = await startTestRedis();
});
after(() => redis.stop());

const PROGRESS: ClientCapabilities = { supportsProgressReporting: true };

interface ProgressEvent {
  event: "progressStart" | "progressUpdate" | "progressEnd";
  body: { progressId: string; title?: string; message?: string; percentage?: number; cancellable?: boolean };
}

/** Every progress event from now on, in order. */
function recordProgress(client: DebugClient): ProgressEvent[] {
  const events: ProgressEvent[] = [];
  for (const name of ["progressStart", "progressUpdate", "progressEnd"] as const) client.on(name, (event: DebugProtocol.Event) => events.push({ event: name, body: event.body as ProgressEvent["body"] }));
  return events;
}

/** Launches a graph of the console fixture, running from the start (no stop on entry). */
async function run(t: TestContext, graph: string, input: Record<string, unknown>, capabilities: ClientCapabilities, poolSize = 2): Promise<DebugClient> {
  const ws = copyFixture("console", "debug-adapter");
  return launch(t, { graph: ws.path(graph), input, redisUrl: redis.url, cwd: ws.dir, stopOnEntry: false, cache: "off", poolSize }, undefined, ["nodeErrors"], capabilities);
}

describe("progress for long nodes", () => {
  test("a node running longer than a second: progressStart, an update each second, progressEnd; none for a quick node", async (t) => {
    const client = await run(t, "slow.graph", { ms: 2300 }, PROGRESS);
    const events = recordProgress(client);
    await client.waitForEvent("terminated");
    assert.deepEqual(new Set(events.map((e) => e.body.progressId)).size, 1, "one node took long: slow, not quick or delay");
    const [start, ...rest] = events;
    assert.equal(start.event, "progressStart");
    assert.equal(start.body.title, "node 'slow'");
    assert.equal(start.body.message, "running for 1 s");
    assert.equal(start.body.cancellable, true);
    const updates = rest.filter((e) => e.event === "progressUpdate").map((e) => e.body.message);
    assert.deepEqual(updates, ["running for 2 s"]);
    assert.equal(events.at(-1)?.event, "progressEnd");
  });

  test("a map node's progress: elements done of all, as a percentage too", async (t) => {
    // 8 elements of 400 ms on 2 hosts: 1.6 s, 4 elements done after the first second.
    const client = await run(t, "each.graph", { ms: 400 }, PROGRESS);
    const events = recordProgress(client);
    await client.waitForEvent("terminated");
    const [start, ...rest] = events;
    assert.equal(start.event, "progressStart");
    assert.equal(start.body.title, "node 'each'");
    const counted = [start, ...rest.filter((e) => e.event === "progressUpdate")].map((e) => {
      const match = /^(\d) of 8 elements$/.exec(e.body.message ?? "");
      assert.ok(match, `a count of elements: ${e.body.message}`);
      assert.equal(e.body.percentage, (Number(match[1]) / 8) * 100);
      return Number(match[1]);
    });
    assert.ok(counted[0] >= 2 && counted[0] <= 6, `about half done after a second: ${counted[0]}`);
    assert.deepEqual(counted, [...counted].sort(), "counting up");
    assert.equal(counted.at(-1), 8, "the last update: every element done");
    assert.equal(rest.at(-1)?.event, "progressEnd");
  });

  test("a client that does not announce progress reporting gets none", async (t) => {
    const client = await run(t, "slow.graph", { ms: 1300 }, {});
    const events = recordProgress(client);
    await client.waitForEvent("terminated");
    assert.deepEqual(events, []);
  });
});

describe("cancelling a long node", () => {
  test("cancel aborts the node through its signal; the session stops before it, not run, and it runs again after an edit", async (t) => {
    const client = await run(t, "slow.graph", { ms: 60_000 }, { ...PROGRESS, supportsInvalidatedEvent: true });
    const capabilities = (await client.initializeRequest()).body;
    assert.equal(capabilities?.supportsCancelRequest, true);
    const events = recordProgress(client);
    const output = collectOutput(client);
    const start = (await client.waitForEvent("progressStart")) as DebugProtocol.ProgressStartEvent;
    const ended = client.waitForEvent("progressEnd");
    await client.customRequest("cancel", { progressId: start.body.progressId });
    const stop = await stoppedAt(client);
    assert.deepEqual([stop.reason, stop.node, stop.description], ["pause", "slow", "node 'slow' was cancelled: stopped before it"]);
    assert.equal(((await ended) as DebugProtocol.ProgressEndEvent).body.progressId, start.body.progressId);
    const text = output.join("");
    assert.match(text, /\[slow\] aborted: node 'slow' was cancelled in the debugger\n/, "the node's signal was aborted");
    assert.match(text, /● slow cancelled \d+\.\d ms\n/);
    assert.doesNotMatch(text, /● slow (ran|failed)/);
    assert.equal((await scopeValues(client)).Node.status, '"pending"');
    // Given a shorter wait, the node runs again and the job ends.
    const delay = (await variables(client, "Outputs")).find((v) => v.name === "delay");
    assert.ok(delay);
    const outputs = (await client.scopesRequest({ frameId: stop.frames[0].id })).body.scopes[2];
    await client.setVariableRequest({ variablesReference: outputs.variablesReference, name: "delay", value: "5" });
    const finished = collectOutput(client);
    await Promise.all([client.continueRequest({ threadId: 1 }), client.waitForEvent("terminated")]);
    assert.match(finished.join(""), /slow: 5/);
    assert.equal(events.filter((e) => e.event === "progressStart").length, 1, "the second run was quick");
  });

  test("cancelling a map node aborts its running elements; those still waiting never start", async (t) => {
    const client = await run(t, "each.graph", { ms: 60_000 }, PROGRESS);
    const output = collectOutput(client);
    const start = (await client.waitForEvent("progressStart")) as DebugProtocol.ProgressStartEvent;
    assert.equal(start.body.message, "0 of 8 elements");
    await client.customRequest("cancel", { progressId: start.body.progressId });
    const stop = await stoppedAt(client);
    assert.deepEqual([stop.reason, stop.node], ["pause", "each"]);
    const aborted = output.join("").match(/\[each\] aborted: /g) ?? [];
    assert.equal(aborted.length, 2, "the two elements running on the two hosts");
    assert.equal((await scopeValues(client)).Node.status, '"pending"');
  });

  test("a node that ignores its signal is stopped the hard way: its host is killed", async (t) => {
    const client = await run(t, "stuck.graph", {}, PROGRESS, 1);
    const start = (await client.waitForEvent("progressStart")) as DebugProtocol.ProgressStartEvent;
    const cancelled = Date.now();
    await client.customRequest("cancel", { progressId: start.body.progressId });
    const stop = await stoppedAt(client);
    assert.deepEqual([stop.reason, stop.node], ["pause", "stuck"]);
    assert.ok(Date.now() - cancelled >= 900, "after the grace period of a second");
    await Promise.all([client.terminateRequest(), client.waitForEvent("terminated")]);
  });
});
