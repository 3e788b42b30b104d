// The debug adapter, driven by a real DAP client (DebugClient) over stdio, against a
// redis-server the test starts: one test per feature of docs/debugging.md.
import { DebugClient } from "@vscode/debugadapter-testsupport";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { after, before, describe, test } from "node:test";
import { startTestRedis, type TestRedis } from "../redis-harness";
import { isAlive } from "../helpers";
import { copyFixture, type Workspace } from "../runtime/workspace";
import { adapterPath, collectOutput, launch, scopeValues, stoppedAt, variables } from "./dap-helpers";

let redis: TestRedis;
before(async () => {
  redis = await startTestRedis();
});
after(() => redis.stop());

function pipeline(): { ws: Workspace; args: Record<string, unknown> } {
  const ws = copyFixture("pipeline");
  return { ws, args: { graph: ws.path("pipeline.graph"), input: { n: 3 }, redisUrl: redis.url, cwd: ws.dir, cache: "off" } };
}

describe("launch and breakpoints", () => {
  test("stops on entry at the first node, on its line", async (t) => {
    const { args } = pipeline();
    const client = await launch(t, args);
    const stop = await stoppedAt(client);
    assert.deepEqual([stop.reason, stop.node, stop.line], ["entry", "doubled", 11]);
    const { body } = await client.threadsRequest();
    assert.deepEqual(body.threads.map((th) => th.name), ["graph pipeline"]);
  });

  test("breakpoints on node lines are verified; elsewhere they move to the next node or stay unverified", async (t) => {
    const { ws, args } = pipeline();
    const client = await launch(t, { ...args, stopOnEntry: false }, { path: ws.path("pipeline.graph"), breakpoints: [{ line: 13 }, { line: 10 }, { line: 17 }] });
    const stop = await stoppedAt(client);
    assert.deepEqual([stop.reason, stop.node], ["breakpoint", "doubled"], "line 10 moved to the node on line 11");
    const placed = await client.setBreakpointsRequest({ source: { path: ws.path("pipeline.graph") }, breakpoints: [{ line: 13 }, { line: 10 }, { line: 17 }] });
    assert.deepEqual(
      placed.body.breakpoints.map((b) => [b.verified, b.line]),
      [
        [true, 13],
        [true, 11],
        [false, 17],
      ],
    );
    assert.match(placed.body.breakpoints[2].message ?? "", /no node statement at or after this line/);
    const locations = await client.customRequest("breakpointLocations", { source: { path: ws.path("pipeline.graph") }, line: 1, endLine: 20 });
    assert.deepEqual((locations.body as { breakpoints: { line: number }[] }).breakpoints.map((b) => b.line), [11, 12, 13, 14, 15]);
  });

  test("without input in the launch configuration, the input file next to the graph is used", async (t) => {
    const { ws, args } = pipeline();
    const { input: _input, ...withoutInput } = args;
    ws.write("pipeline.input.json", '{"n": 4}');
    const client = await launch(t, withoutInput);
    await stoppedAt(client);
    assert.equal((await client.evaluateRequest({ expression: "n", context: "repl" })).body.result, "4");
  });

  test("a required input that nothing gives is an error saying how to give it", async (t) => {
    const { args } = pipeline();
    const { input: _input, ...withoutInput } = args;
    const client = new DebugClient("node", adapterPath, "stepgraph");
    await client.start();
    t.after(() => client.stop().catch(() => undefined));
    await client.initializeRequest();
    await assert.rejects(() => client.launchRequest(withoutInput as never), /the input lacks 'n', which has no default: give 'input' or 'inputFile' in the launch configuration/);
  });

  test("a graph with errors is an error response listing them", async (t) => {
    const { ws, args } = pipeline();
    ws.edit("pipeline.graph", (text) => text.replace("double(n)", "double(nn)").replace("square(n)", "sqare(n)"));
    const client = new DebugClient("node", adapterPath, "stepgraph");
    await client.start();
    t.after(() => client.stop().catch(() => undefined));
    await client.initializeRequest();
    await assert.rejects(() => client.launchRequest(args as never), (e: Error) => /has 2 errors/.test(e.message) && /unknown name 'nn'/.test(e.message) && /'sqare'/.test(e.message));
  });
});

describe("what a stop shows", () => {
  test("the call stack: the current node, then the nodes that fed it, nearest first", async (t) => {
    const { ws, args } = pipeline();
    const client = await launch(t, { ...args, stopOnEntry: false }, { path: ws.path("pipeline.graph"), breakpoints: [{ line: 13 }] });
    const stop = await stoppedAt(client);
    assert.deepEqual(stop.frames.map((f) => [f.name.split(" ")[0], f.line]), [["total", 13], ["doubled", 11], ["squared", 12]]);
    assert.equal(stop.frames[0].source?.path, ws.path("pipeline.graph"));
  });

  test("Inputs by parameter name, Node facts, Outputs by node; a frame below shows its node", async (t) => {
    const { ws, args } = pipeline();
    const client = await launch(t, { ...args, stopOnEntry: false, cache: "use" }, { path: ws.path("pipeline.graph"), breakpoints: [{ line: 13 }] });
    const stop = await stoppedAt(client);
    const scopes = await scopeValues(client);
    assert.deepEqual(scopes.Inputs, { a: "6", b: "9" });
    assert.equal(scopes.Node.module, '"./nodes/math.ts"');
    assert.equal(scopes.Node.cache, '"pending"');
    assert.match(scopes.Node.function, /add\(a: number, b: number\): number/);
    // Continuing runs independent nodes too, so shout and stamp may have finished as well.
    assert.deepEqual({ doubled: scopes.Outputs.doubled, squared: scopes.Outputs.squared, total: scopes.Outputs.total }, { doubled: "6", squared: "9", total: undefined }, "the outputs so far");
    const below = await scopeValues(client, stop.frames[1].id);
    assert.deepEqual(below.Inputs, { n: "3" });
    assert.equal(below.Node.cache, '"miss"');
    const inputs = await variables(client, "Inputs");
    assert.deepEqual(inputs.map((v) => v.evaluateName), ["doubled", "squared"]);
  });

  test("values expand lazily with evaluateNames; large arrays page", async (t) => {
    const ws = copyFixture("behaviours");
    ws.write("big.graph", ['graph big', 'use "./nodes/behaviours.ts"', "node made = kinds()", "node list = numbers(250)", "node total = sum(list)", "output made, total"].join("\n"));
    const client = await launch(t, { graph: ws.path("big.graph"), redisUrl: redis.url, cwd: ws.dir, stopOnEntry: false }, { path: ws.path("big.graph"), breakpoints: [{ line: 5 }] });
    await stoppedAt(client);
    const outputs = await variables(client, "Outputs");
    const list = outputs.find((v) => v.name === "list");
    assert.equal(list?.indexedVariables, 250);
    const page = await client.variablesRequest({ variablesReference: list?.variablesReference ?? 0, filter: "indexed", start: 200, count: 3 });
    assert.deepEqual(page.body.variables.map((v) => [v.name, v.value, v.evaluateName]), [["200", "40000", "list[200]"], ["201", "40401", "list[201]"], ["202", "40804", "list[202]"]]);
    const made = outputs.find((v) => v.name === "made");
    const children = (await client.variablesRequest({ variablesReference: made?.variablesReference ?? 0 })).body.variables;
    const map = children.find((v) => v.name === "map");
    assert.equal(map?.value, "Map(2)");
    const entries = (await client.variablesRequest({ variablesReference: map?.variablesReference ?? 0 })).body.variables;
    assert.deepEqual(entries.map((v) => v.evaluateName), ['made.map.get("a")', "made.map.get(2)"]);
    assert.equal(children.find((v) => v.name === "big")?.value, "12345678901234567890n");
    assert.equal(children.find((v) => v.name === "when")?.value, "2026-01-02T03:04:05.006Z");
  });

  test("the Node scope's why: after an edit to an imported module, the nodes that ran name it", async (t) => {
    const { ws, args } = pipeline();
    ws.edit("pipeline.graph", (text) => text.replace("graph pipeline", "graph pipeline_why"));
    const first = await launch(t, { ...args, cache: "use" });
    await stoppedAt(first);
    await Promise.all([first.continueRequest({ threadId: 1 }), first.waitForEvent("terminated")]);

    ws.edit("nodes/helper.ts", (text) => text.replace("FACTOR = 2", "FACTOR = 3"));
    const client = await launch(t, { ...args, stopOnEntry: false, cache: "use" }, { path: ws.path("pipeline.graph"), breakpoints: [{ line: 13 }] });
    const output = collectOutput(client);
    const stop = await stoppedAt(client);
    assert.equal(stop.node, "total");
    assert.equal((await scopeValues(client)).Node.why, undefined, "a node not run yet has no why");
    const doubled = await scopeValues(client, stop.frames.find((f) => f.name.startsWith("doubled "))?.id);
    assert.deepEqual([doubled.Node.cache, doubled.Node.why], ['"miss"', '"code: nodes/helper.ts"']);
    await Promise.all([client.continueRequest({ threadId: 1 }), client.waitForEvent("terminated")]);
    assert.match(output.join(""), /● total ran \d+\.\d ms \(code: nodes\/helper\.ts; input: a\)\n/, "the console's line says it too");

    const again = await launch(t, { ...args, stopOnEntry: false, cache: "use" }, { path: ws.path("pipeline.graph"), breakpoints: [{ line: 13 }] });
    const hit = await stoppedAt(again);
    const cached = await scopeValues(again, hit.frames.find((f) => f.name.startsWith("doubled "))?.id);
    assert.equal(cached.Node.cache, '"hit"');
    assert.match(cached.Node.why, /^"from the run at \d{4}-\d\d-\d\dT[\d:.]+Z"$/, "a hit names the run it came from");
  });

  test("variable references are reset on every resume", async (t) => {
    const { args } = pipeline();
    const client = await launch(t, args);
    await stoppedAt(client);
    const frameId = (await client.stackTraceRequest({ threadId: 1 })).body.stackFrames[0].id;
    const reference = (await client.scopesRequest({ frameId })).body.scopes[0].variablesReference;
    await Promise.all([client.nextRequest({ threadId: 1 }), stoppedAt(client)]);
    await assert.rejects(() => client.variablesRequest({ variablesReference: reference + 1000 }), /gone/);
    const fresh = (await client.stackTraceRequest({ threadId: 1 })).body.stackFrames[0].id;
    assert.ok((await client.scopesRequest({ frameId: fresh })).body.scopes.length === 3);
  });
});

describe("stepping", () => {
  test("next and stepIn run one node; stepOut runs to the end of the loop; continue to the end", async (t) => {
    const { ws, args } = pipeline();
    ws.edit("pipeline.graph", (text) => `${text}\nloop numbers { doubled, squared, total }\nloop words { shout, stamp }\n`);
    const client = await launch(t, args);
    const output = collectOutput(client);
    assert.equal((await stoppedAt(client)).node, "doubled");
    const [, afterNext] = await Promise.all([client.nextRequest({ threadId: 1 }), stoppedAt(client)]);
    assert.deepEqual([afterNext.reason, afterNext.node], ["step", "squared"]);
    const [, afterStepIn] = await Promise.all([client.stepInRequest({ threadId: 1 }), stoppedAt(client)]);
    assert.equal(afterStepIn.node, "total");
    const [, afterStepOut] = await Promise.all([client.stepOutRequest({ threadId: 1 }), stoppedAt(client)]);
    assert.equal(afterStepOut.node, "shout", "the numbers loop ran to its end");
    await Promise.all([client.continueRequest({ threadId: 1 }), client.waitForEvent("terminated")]);
    const text = output.join("");
    assert.match(text, /● doubled ran \d+\.\d ms/);
    assert.match(text, /graph finished; outputs:\n {2}total: 15\n {2}stamp: 'HELLO@\d+'/);
  });

  test("stepBack and reverseContinue show recorded values without running anything", async (t) => {
    const { ws, args } = pipeline();
    const client = await launch(t, { ...args, stopOnEntry: false }, { path: ws.path("pipeline.graph"), breakpoints: [{ line: 12 }, { line: 14 }] });
    assert.equal((await stoppedAt(client)).node, "squared");
    await Promise.all([client.continueRequest({ threadId: 1 }), stoppedAt(client)]);
    const output = collectOutput(client);
    // Stopped before shout: squared is the last node that finished.
    const [, back] = await Promise.all([client.stepBackRequest({ threadId: 1 }), stoppedAt(client)]);
    assert.equal(back.node, "squared");
    assert.deepEqual((await scopeValues(client)).Inputs, { n: "3" });
    assert.equal((await scopeValues(client)).Outputs.squared, "9");
    const [, reversed] = await Promise.all([client.reverseContinueRequest({ threadId: 1 }), stoppedAt(client)]);
    assert.equal(reversed.node, "doubled", "no earlier breakpoint: back to the start");
    assert.deepEqual((await scopeValues(client)).Outputs, { doubled: "6" }, "as it was then");
    const [, forward] = await Promise.all([client.nextRequest({ threadId: 1 }), stoppedAt(client)]);
    assert.equal(forward.node, "squared");
    const [, present] = await Promise.all([client.nextRequest({ threadId: 1 }), stoppedAt(client)]);
    assert.equal(present.node, "shout", "back in the present");
    assert.equal(output.filter((o) => o.startsWith("●")).length, 0, "nothing ran");
  });

  test("restartFrame re-runs the node, skipping the cache", async (t) => {
    const { ws, args } = pipeline();
    const client = await launch(t, { ...args, stopOnEntry: false, cache: "use" }, { path: ws.path("pipeline.graph"), breakpoints: [{ line: 15 }] });
    const stop = await stoppedAt(client);
    const output = collectOutput(client);
    const shoutFrame = stop.frames.find((f) => f.name.startsWith("shout"));
    const [, restarted] = await Promise.all([client.restartFrameRequest({ frameId: shoutFrame?.id ?? 0 }), stoppedAt(client)]);
    assert.equal(restarted.reason, "restart");
    assert.match(output.join(""), /● shout ran/);
  });

  test("pause stops a node that never returns; terminate leaves no process", async (t) => {
    const ws = copyFixture("behaviours");
    ws.write("hang.graph", ['graph hang', 'use "./nodes/behaviours.ts"', "node stuck = hangs()"].join("\n"));
    const client = await launch(t, { graph: ws.path("hang.graph"), redisUrl: redis.url, cwd: ws.dir, stopOnEntry: false, poolSize: 1 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await assert.rejects(() => client.stackTraceRequest({ threadId: 1 }), /running/, "requests while running get an error, not a hang");
    const [, paused] = await Promise.all([client.pauseRequest({ threadId: 1 }), stoppedAt(client)]);
    assert.deepEqual([paused.reason, paused.node], ["pause", "stuck"]);
    const hosts = hostPids(client);
    assert.ok(hosts.length >= 1);
    await Promise.all([client.terminateRequest(), client.waitForEvent("terminated")]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(hosts.filter(isAlive), []);
  });
});

describe("breakpoint kinds", () => {
  test("conditional breakpoints, hit conditions and logpoints", async (t) => {
    const { ws, args } = pipeline();
    const path = ws.path("pipeline.graph");
    const client = await launch(t, { ...args, stopOnEntry: false }, {
      path,
      breakpoints: [{ line: 11, condition: "n > 100" }, { line: 12, logMessage: "squaring {n} gives {n * n}" }, { line: 13, condition: "doubled + squared === 15 && a === 6" }, { line: 14, hitCondition: ">= 2" }],
    });
    const output = collectOutput(client);
    const stop = await stoppedAt(client);
    assert.equal(stop.node, "total", "doubled's condition is false; squared only logs; total's condition holds");
    assert.match(output.join(""), /squaring 3 gives 9/);
    await Promise.all([client.continueRequest({ threadId: 1 }), client.waitForEvent("terminated")]);
  });

  test("the Node errors filter stops at a failing node with exceptionInfo; without it the run goes on", async (t) => {
    const ws = copyFixture("behaviours");
    ws.write("fail.graph", ['graph fail', 'use "./nodes/behaviours.ts"', 'node broken = throws("out of stock")', "node other = fine()"].join("\n"));
    const args = { graph: ws.path("fail.graph"), redisUrl: redis.url, cwd: ws.dir, stopOnEntry: false, poolSize: 1 };
    const client = await launch(t, args);
    const stop = await stoppedAt(client);
    assert.deepEqual([stop.reason, stop.node], ["exception", "broken"]);
    const info = await client.exceptionInfoRequest({ threadId: 1 });
    assert.equal(info.body.details?.message, "cannot go on: out of stock");
    assert.match(info.body.details?.stackTrace ?? "", /behaviours\.ts:45:9/);
    const quiet = await launch(t, args, undefined, []);
    await quiet.waitForEvent("terminated");
  });

  test("a node host crashing mid-node is reported, and the session ends cleanly", async (t) => {
    const ws = copyFixture("behaviours");
    ws.write("exit.graph", ['graph exits', 'use "./nodes/behaviours.ts"', "node quitter = exits()"].join("\n"));
    const client = await launch(t, { graph: ws.path("exit.graph"), redisUrl: redis.url, cwd: ws.dir, stopOnEntry: false });
    const stop = await stoppedAt(client);
    assert.equal(stop.reason, "exception");
    const info = await client.exceptionInfoRequest({ threadId: 1 });
    assert.match(info.body.description ?? "", /the node host exited with code 3 while running node 'quitter'/);
    await Promise.all([client.continueRequest({ threadId: 1 }), client.waitForEvent("terminated")]);
  });
});

describe("evaluate and edit", () => {
  test("evaluate for watch, hover and the console, isolated and time-limited", async (t) => {
    const { ws, args } = pipeline();
    const client = await launch(t, { ...args, stopOnEntry: false }, { path: ws.path("pipeline.graph"), breakpoints: [{ line: 13 }] });
    await stoppedAt(client);
    assert.equal((await client.evaluateRequest({ expression: "doubled + squared", context: "watch" })).body.result, "15");
    assert.equal((await client.evaluateRequest({ expression: "a", context: "hover" })).body.result, "6");
    assert.equal((await client.evaluateRequest({ expression: "typeof process", context: "repl" })).body.result, '"undefined"');
    await assert.rejects(() => client.evaluateRequest({ expression: "while (true) {}", context: "repl" }), /longer than/);
    await assert.rejects(() => client.evaluateRequest({ expression: "nope + 1", context: "repl" }), /ReferenceError/);
    assert.equal((await client.evaluateRequest({ expression: "n * 2", context: "repl" })).body.result, "6", "still answering after a timeout");
  });

  test("setVariable and setExpression edit an output, and the nodes downstream run again with it", async (t) => {
    const { ws, args } = pipeline();
    const client = await launch(t, { ...args, stopOnEntry: false, cache: "use" }, { path: ws.path("pipeline.graph"), breakpoints: [{ line: 13 }] });
    await stoppedAt(client);
    const outputs = (await client.scopesRequest({ frameId: (await client.stackTraceRequest({ threadId: 1 })).body.stackFrames[0].id })).body.scopes[2];
    const set = await client.setVariableRequest({ variablesReference: outputs.variablesReference, name: "doubled", value: "100" });
    assert.equal(set.body.value, "100");
    await client.customRequest("setExpression", { expression: "squared", value: "squared + 1" });
    assert.deepEqual((await scopeValues(client)).Inputs, { a: "100", b: "10" });
    const output = collectOutput(client);
    await Promise.all([client.continueRequest({ threadId: 1 }), client.waitForEvent("terminated")]);
    assert.match(output.join(""), /total: 110/);
  });
});

describe("robustness", () => {
  test("an unknown request gets an error response; the session goes on", async (t) => {
    const { args } = pipeline();
    const client = await launch(t, args);
    await stoppedAt(client);
    await assert.rejects(() => client.customRequest("frobnicate", {}));
    assert.equal((await client.threadsRequest()).body.threads.length, 1);
  });

  test("node logs show in the console, tagged with the node", async (t) => {
    const ws = copyFixture("behaviours");
    ws.write("log.graph", ['graph log', 'use "./nodes/behaviours.ts"', "node wobbly = flaky()  [retry: 2]"].join("\n"));
    const client = await launch(t, { graph: ws.path("log.graph"), redisUrl: redis.url, cwd: ws.dir, stopOnEntry: false });
    const output = collectOutput(client);
    await client.waitForEvent("terminated");
    assert.match(output.join(""), /\[wobbly\] attempt 1\n/);
    assert.match(output.join(""), /\[wobbly\] attempt 2 of 3 failed: flaky failure 2; retrying/);
  });

  test("restart runs the job again from the start", async (t) => {
    const { args } = pipeline();
    const client = await launch(t, args);
    await stoppedAt(client);
    await Promise.all([client.nextRequest({ threadId: 1 }), stoppedAt(client)]);
    const [, again] = await Promise.all([client.restartRequest({ arguments: args as never }), stoppedAt(client)]);
    assert.deepEqual([again.reason, again.node], ["entry", "doubled"]);
  });
});

/** The node hosts the adapter started (its children running node-host.js). */
function hostPids(client: DebugClient): number[] {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- DebugClient keeps the adapter's process private
  const adapterPid = (client as any)._adapterProcess.pid as number;
  const out = spawnSync("pgrep", ["-P", String(adapterPid), "-f", "node-host.js"], { encoding: "utf8" }).stdout;
  return out.trim().split("\n").filter(Boolean).map(Number);
}

