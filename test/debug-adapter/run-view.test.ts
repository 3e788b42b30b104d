// The adapter's custom event `stepgraphRunView` with a real DAP client (DebugClient over
// stdio): the graph view's node states arrive as a session advances, through steps, an
// edit, a re-run, stepping back, a map node's elements, a subgraph entered, and the end.
// The custom request of the same name answers with the states as they are now.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, test } from "node:test";
import { DebugClient } from "@vscode/debugadapter-testsupport";
import { RUN_VIEW_EVENT, RUN_VIEW_REQUEST, type RunView } from "../../src/runtime/run-view";
import { repoRoot } from "../helpers";
import { copyFixture } from "../runtime/workspace";
import { adapterPath, launch, runViews, runViewWhere, stoppedAt } from "./dap-helpers";

async function request(client: DebugClient, command: "next" | "stepIn" | "stepOut" | "continue" | "stepBack"): ReturnType<typeof stoppedAt> {
  const [, stop] = await Promise.all([client.customRequest(command, { threadId: 1 }), stoppedAt(client)]);
  return stop;
}

/** Each node's state (and its why): `name: state (why)`. */
function states(view: RunView): Record<string, string> {
  return Object.fromEntries(Object.entries(view.nodes).map(([name, node]) => [name, `${node.state}${node.why ? ` (${node.why})` : ""}`]));
}

describe("the stepgraphRunView event", () => {
  test("its name is written once, in src/runtime/run-view.ts, for the adapter and the graph view to import", () => {
    const sources = ["src", "debug-adapter"].flatMap((dir) =>
      readdirSync(join(repoRoot, dir), { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile() && entry.name.endsWith(".ts"))
        .map((entry) => join(entry.parentPath, entry.name)),
    );
    // As a string literal: comments name it in backquotes.
    const spelling = new RegExp(`["']${RUN_VIEW_EVENT}["']`);
    const writing = sources.filter((file) => spelling.test(readFileSync(file, "utf8"))).map((file) => relative(repoRoot, file));
    assert.deepEqual(writing, [join("src", "runtime", "run-view.ts")]);
  });

  test("follows a stepped session: steps, an edit and the stale node after it, a re-run, stepping back, the end", async (t) => {
    const ws = copyFixture("pipeline");
    const client = await launch(t, { graph: ws.path("pipeline.graph"), input: { n: 3 }, redisUrl: "memory", cwd: ws.dir });
    // The last view sent before `terminated` (waitForEvent's time limit would run out before the end).
    const terminated = new Promise<RunView | undefined>((resolve) => client.once("terminated", () => resolve(runViews(client).at(-1))));
    assert.equal((await stoppedAt(client)).node, "doubled");
    const entry = await runViewWhere(client, (v) => v.current === "doubled");
    assert.deepEqual({ ...entry, nodes: states(entry) }, {
      graph: "pipeline",
      file: ws.path("pipeline.graph"),
      current: "doubled",
      finished: false,
      nodes: { doubled: "pending", squared: "pending", total: "pending", shout: "pending", stamp: "pending" },
    });

    await request(client, "next");
    const first = await runViewWhere(client, (v) => v.current === "squared");
    assert.equal(states(first).doubled, "ran (never cached)");
    assert.equal(typeof first.nodes.doubled.durationMs, "number");
    await request(client, "next");
    assert.equal((await request(client, "next")).node, "shout");
    assert.equal(states(await runViewWhere(client, (v) => v.current === "shout")).total, "ran (never cached)");

    await client.customRequest("setExpression", { expression: "doubled", value: "100" });
    const edited = await runViewWhere(client, (v) => v.nodes.doubled.state === "edited");
    assert.deepEqual([states(edited).doubled, states(edited).total, states(edited).squared], ["edited (edited in the debugger)", "stale ('doubled' changed upstream, runs again)", "ran (never cached)"]);
    assert.equal(edited.current, "shout");

    const shoutFrame = (await client.stackTraceRequest({ threadId: 1 })).body.stackFrames[0];
    await Promise.all([client.restartFrameRequest({ frameId: shoutFrame.id }), stoppedAt(client)]);
    assert.equal(states(await runViewWhere(client, (v) => v.nodes.shout.why === "re-run from the debugger")).shout, "ran (re-run from the debugger)");

    // Stepping back moves the current node through the history (doubled, squared, total, shout).
    await request(client, "stepBack");
    await request(client, "stepBack");
    const back = await runViewWhere(client, (v) => v.current === "total");
    assert.equal(back.nodes.total.state, "stale", "the states are the present's; only the current node moves");
    await request(client, "next");
    await runViewWhere(client, (v) => v.current === "shout");
    // In the past, continue comes back to the present (a stop), and then runs on.
    await request(client, "continue");

    await client.continueRequest({ threadId: 1 });
    const last = await terminated;
    assert.ok(last, "a view arrived before the session ended");
    assert.deepEqual({ current: last.current, finished: last.finished }, { current: undefined, finished: true });
    assert.deepEqual(states(last), { doubled: "edited (edited in the debugger)", squared: "ran (never cached)", total: "ran (input: a)", shout: "ran (re-run from the debugger)", stamp: "ran (the node has cache: off)" });
    const sent = runViews(client).map((v) => JSON.stringify(v));
    assert.ok(sent.every((view, i) => i === 0 || view !== sent[i - 1]), "an event only when the view changed");
  });

  test("a map node's elements and a subgraph node entered", async (t) => {
    const ws = copyFixture("v2");
    ws.write("stepping.graph", ["graph stepping", 'use "./nodes/v2.ts"', "input list = [1, 2, 3]", "node scaled = scale(map list, 2)", "node last = echo(scaled)"].join("\n"));
    const mapping = await launch(t, { graph: ws.path("stepping.graph"), redisUrl: "memory", cwd: ws.dir });
    assert.equal((await stoppedAt(mapping)).node, "scaled[0]");
    assert.deepEqual((await runViewWhere(mapping, (v) => v.current === "scaled")).nodes.scaled, { state: "pending", elements: { finished: 0, count: 3 } });
    await request(mapping, "next");
    // Stopped before element 1: the node is running, element by element (one finished).
    const between = await runViewWhere(mapping, (v) => v.nodes.scaled.elements?.finished === 1);
    assert.deepEqual([between.current, between.nodes.scaled], ["scaled", { state: "running", elements: { finished: 1, count: 3 } }]);
    await request(mapping, "stepOut");
    const out = await runViewWhere(mapping, (v) => v.current === "last");
    assert.deepEqual([out.nodes.scaled.state, out.nodes.scaled.elements], ["ran", { finished: 3, count: 3 }]);

    const calling = await launch(t, { graph: ws.path("uses-a.graph"), redisUrl: "memory", cwd: ws.dir });
    assert.equal((await stoppedAt(calling)).node, "said");
    await request(calling, "stepIn");
    const inside = await runViewWhere(calling, (v) => v.nodes.said.why !== undefined);
    assert.deepEqual([inside.current, inside.nodes.said], ["said", { state: "running", why: "stopped inside subgraph 'hello'" }]);
    assert.equal(inside.graph, "usesa", "the view is of the graph launched, not of the subgraph");
    await request(calling, "stepOut");
    assert.equal((await runViewWhere(calling, (v) => v.nodes.said.state !== "running")).nodes.said.state, "ran");
  });

  test("a subgraph called with map: its elements as it is stepped through, and at the end", async (t) => {
    const ws = copyFixture("v2");
    ws.write("map-call.graph", ["graph mapcall", 'use graph "./greeting.graph" as hello', 'input names = ["x", "y"]', "node many = hello(name: map names)", "output many"].join("\n"));
    const client = await launch(t, { graph: ws.path("map-call.graph"), redisUrl: "memory", cwd: ws.dir });
    const terminated = new Promise<RunView | undefined>((resolve) => client.once("terminated", () => resolve(runViews(client).at(-1))));
    assert.equal((await stoppedAt(client)).node, "many[0]");
    assert.deepEqual((await runViewWhere(client, (v) => v.current === "many")).nodes.many, { state: "pending", elements: { finished: 0, count: 2 } });
    assert.equal((await request(client, "next")).node, "many[1]");
    assert.deepEqual((await runViewWhere(client, (v) => v.nodes.many.elements?.finished === 1)).nodes.many, { state: "running", elements: { finished: 1, count: 2 } });
    await client.nextRequest({ threadId: 1 });
    const last = await terminated;
    assert.deepEqual([last?.finished, last?.nodes.many.state, last?.nodes.many.elements], [true, "ran", { finished: 2, count: 2 }]);
  });
});

describe("the stepgraphRunView request", () => {
  const ask = async (client: DebugClient): Promise<RunView> => (await client.customRequest(RUN_VIEW_REQUEST)).body as RunView;

  test("answers with the states now: at the entry, after steps, stepped back", async (t) => {
    const ws = copyFixture("pipeline");
    const client = await launch(t, { graph: ws.path("pipeline.graph"), input: { n: 3 }, redisUrl: "memory", cwd: ws.dir });
    assert.equal((await stoppedAt(client)).node, "doubled");
    const entry = await ask(client);
    assert.deepEqual(entry, { graph: "pipeline", file: ws.path("pipeline.graph"), current: "doubled", finished: false, nodes: Object.fromEntries(["doubled", "squared", "total", "shout", "stamp"].map((name) => [name, { state: "pending" }])) });

    await Promise.all([client.nextRequest({ threadId: 1 }), stoppedAt(client)]);
    await Promise.all([client.nextRequest({ threadId: 1 }), stoppedAt(client)]);
    // Asked at once: the event of this stop may still be on its way.
    const stepped = await ask(client);
    assert.deepEqual([stepped.current, stepped.nodes.doubled.state, stepped.nodes.squared.state, stepped.nodes.total.state], ["total", "ran", "ran", "pending"]);
    assert.deepEqual(await runViewWhere(client, (v) => v.current === "total"), stepped, "the same view as the event's");

    await Promise.all([client.stepBackRequest({ threadId: 1 }), stoppedAt(client)]);
    const back = await ask(client);
    assert.deepEqual([back.current, back.nodes.squared.state], ["squared", "ran"], "stepped back: the node stepped back to, the present's states");
  });

  test("after the job's end: finished, no current node; extra arguments are ignored", async (t) => {
    const ws = copyFixture("pipeline");
    const client = await launch(t, { graph: ws.path("pipeline.graph"), input: { n: 3 }, redisUrl: "memory", cwd: ws.dir, stopOnEntry: false });
    await runViewWhere(client, (v) => v.finished);
    const last = (await client.customRequest(RUN_VIEW_REQUEST, { anything: 1 })).body as RunView;
    assert.deepEqual([last.finished, last.current, Object.values(last.nodes).map((n) => n.state)], [true, undefined, ["ran", "ran", "ran", "ran", "ran"]]);
  });

  test("before a launch: one error response saying why", async (t) => {
    const client = new DebugClient("node", adapterPath, "stepgraph");
    client.defaultTimeout = 10_000;
    await client.start();
    t.after(() => client.stop().catch(() => undefined));
    await client.initializeRequest();
    await assert.rejects(() => client.customRequest(RUN_VIEW_REQUEST), /^Error: no graph has been launched in this session yet: its node states come once it is$/);
  });
});
