// Jump to Cursor (gotoTargets, goto) and Run to Cursor (a temporary breakpoint around a
// continue), driven by a real DAP client against a redis-server the test starts, the cache
// on (docs/debugging.md, "Jump to Cursor and Run to Cursor").
//
// Every node function of jumps.graph logs `ran ...` when it runs: a node taken from the
// cache logs nothing, and prints `● NAME cached`. Each test uses its own input `n`, so that
// the cache entries of one test are not those of another.
import type { DebugClient } from "@vscode/debugadapter-testsupport";
import type { DebugProtocol } from "@vscode/debugprotocol";
import assert from "node:assert/strict";
import type { TestContext } from "node:test";
import { after, before, describe, test } from "node:test";
import { startTestRedis, type TestRedis } from "../redis-harness";
import { copyFixture, type Workspace } from "../runtime/workspace";
import { collectOutput, launch, runViewWhere, scopeValues, stoppedAt, type Breakpoints } from "./dap-helpers";

let redis: TestRedis;
before(async () => {
  redis = await startTestRedis();
});
after(() => redis.stop());

/** The first line of each node statement of jumps.graph (`last` spans lines 18 and 19). */
const LINE = { first: 10, second: 11, third: 12, side: 13, gated: 14, pair: 15, each: 16, last: 18 } as const;
const COMMENT_LINE = 17;

let nextN = 1;
/** A job input no other test uses (its cache entries are its own). */
function freshInput(): { n: number } {
  return { n: 1000 * nextN++ + Math.floor(Math.random() * 1000) };
}

interface Jumps {
  ws: Workspace;
  graph: string;
  args: Record<string, unknown>;
}

function jumps(input = freshInput()): Jumps {
  const ws = copyFixture("goto", "debug-adapter");
  const graph = ws.path("jumps.graph");
  return { ws, graph, args: { graph, input, redisUrl: redis.url, cwd: ws.dir, cache: "use" } };
}

/** Runs the whole job once, so that every node's output is in the cache (the adapter is stopped after the test, as launch() arranges). */
async function warmCache(t: TestContext, { args }: Jumps): Promise<void> {
  const client = await launch(t, { ...args, stopOnEntry: false });
  await client.waitForEvent("terminated");
}

/** The nodes whose function ran, in the order they logged it, from the output so far. */
function ran(output: readonly string[]): string[] {
  return output.flatMap((line) => [.../^\[(\w+)\] ran /.exec(line) ?? []].slice(1));
}

/** The nodes that finished with `status` (`cached`, `ran`, `skipped`), from the console lines so far. */
function finished(output: readonly string[], status: string): string[] {
  return output.flatMap((line) => [...(new RegExp(`^● (\\w+) ${status} `).exec(line) ?? [])].slice(1));
}

async function targetsAt(client: DebugClient, path: string, line: number): Promise<DebugProtocol.GotoTarget[]> {
  return (await client.gotoTargetsRequest({ source: { path }, line })).body.targets;
}

/** gotoTargets on the node's line, then goto its one target; the stop that follows. */
async function jumpTo(client: DebugClient, graph: string, node: keyof typeof LINE): Promise<Awaited<ReturnType<typeof stoppedAt>>> {
  const targets = await targetsAt(client, graph, LINE[node]);
  assert.equal(targets.length, 1, `one target on the line of ${node}`);
  await client.gotoRequest({ threadId: 1, targetId: targets[0].id });
  return stoppedAt(client);
}

/** Whether a request fails; its error message. */
async function failure(request: Promise<unknown>): Promise<string> {
  try {
    await request;
  } catch (e) {
    return (e as Error).message;
  }
  assert.fail("the request succeeded");
}

describe("Jump to Cursor: gotoTargets", () => {
  test("the adapter announces gotoTargets", async (t) => {
    const { args } = jumps();
    const client = await launch(t, args);
    assert.equal((await client.initializeRequest()).body?.supportsGotoTargetsRequest, true);
  });

  test("a node line gives one target, its node; any line of a node statement gives it; other lines none", async (t) => {
    const { ws, args, graph } = jumps();
    const client = await launch(t, args);
    await stoppedAt(client);
    const [third, ...others] = await targetsAt(client, graph, LINE.third);
    assert.deepEqual(others, []);
    assert.equal(third.label, "third = add(…)");
    assert.equal(third.line, LINE.third);
    const [last, ...more] = await targetsAt(client, graph, LINE.last + 1);
    assert.deepEqual(more, []);
    assert.deepEqual([last.label, last.line, last.endLine], ["last = total(…)", LINE.last, LINE.last + 1], "the second line of a node statement gives its node, at its first line");
    assert.notEqual(last.id, third.id);
    assert.deepEqual(await targetsAt(client, graph, COMMENT_LINE), [], "a comment line");
    assert.deepEqual(await targetsAt(client, graph, 7), [], "an input line");
    assert.deepEqual(await targetsAt(client, graph, 9), [], "a blank line");
    assert.deepEqual(await targetsAt(client, graph, 21), [], "the output line");
    assert.deepEqual(await targetsAt(client, graph, 500), [], "past the end");
    assert.deepEqual(await targetsAt(client, ws.path("nodes", "jumps.ts"), LINE.third), [], "a line of another file");
  });
});

describe("Jump to Cursor: goto", () => {
  test("goto a node downstream with everything cached stops there, the nodes between read from the cache, none run", async (t) => {
    const setup = jumps();
    await warmCache(t, setup);
    const client = await launch(t, setup.args);
    const output = collectOutput(client);
    assert.equal((await stoppedAt(client)).node, "first");
    const stop = await jumpTo(client, setup.graph, "third");
    assert.deepEqual([stop.reason, stop.node, stop.line], ["goto", "third", LINE.third]);
    assert.deepEqual(ran(output), [], "no node function ran");
    assert.deepEqual(finished(output, "cached"), ["first", "second"], "the nodes between came from the cache; the other branch (side, pair) was not touched");
    const { n } = setup.args.input as { n: number };
    const scopes = await scopeValues(client);
    assert.deepEqual(scopes.Inputs, { a: String(n + 11), b: "100" }, "the Variables pane shows the target's inputs");
    assert.equal(scopes.Node.status, '"pending"');
    assert.deepEqual(Object.keys(scopes.Outputs).sort(), ["first", "second"]);

    await client.nextRequest({ threadId: 1 });
    await stoppedAt(client);
    assert.deepEqual(finished(output, "cached"), ["first", "second", "third"], "next runs the node jumped to");
    const ended = client.waitForEvent("terminated");
    await client.continueRequest({ threadId: 1 });
    await ended;
    assert.deepEqual(ran(output), [], "the rest came from the cache too");
    assert.ok(output.some((line) => line.includes(`last: ${3 * n + 1122}`)), "the job's output is as if it had run whole");
  });

  test("goto with a cache miss runs the missing nodes first, without stopping at their breakpoints", async (t) => {
    const setup = jumps();
    // Only `first` is cached: a session that runs it and ends.
    const warm = await launch(t, setup.args);
    await stoppedAt(warm);
    await warm.nextRequest({ threadId: 1 });
    await stoppedAt(warm);
    await warm.terminateRequest();

    const breakpoint: Breakpoints = { path: setup.graph, breakpoints: [{ line: LINE.second }] };
    const client = await launch(t, setup.args, breakpoint);
    const output = collectOutput(client);
    assert.equal((await stoppedAt(client)).node, "first");
    const stop = await jumpTo(client, setup.graph, "third");
    assert.deepEqual([stop.reason, stop.node], ["goto", "third"], "no stop at second's breakpoint on the way");
    assert.deepEqual(ran(output), ["second"], "second was not in the cache: it ran; first came from the cache");
    assert.deepEqual(finished(output, "cached"), ["first"]);
    const { n } = setup.args.input as { n: number };
    assert.deepEqual((await scopeValues(client)).Inputs, { a: String(n + 11), b: "100" });
  });

  test("goto a node of another branch: the nodes it needs run, the current node waits, and next runs the node jumped to", async (t) => {
    const setup = jumps();
    const client = await launch(t, setup.args);
    const output = collectOutput(client);
    assert.equal((await stoppedAt(client)).node, "first");
    const stop = await jumpTo(client, setup.graph, "gated");
    assert.deepEqual([stop.reason, stop.node], ["goto", "gated"]);
    assert.deepEqual(ran(output), ["first", "second", "third"], "gated needs third, which needs second and first; nothing else ran");
    // gated (before pair in the graph's order) is ready, and stays so: pair is in another branch.
    const toPair = await jumpTo(client, setup.graph, "pair");
    assert.deepEqual([toPair.reason, toPair.node], ["goto", "pair"]);
    assert.deepEqual(ran(output), ["first", "second", "third", "side"], "pair needs first (done) and side");
    await client.nextRequest({ threadId: 1 });
    await stoppedAt(client);
    assert.deepEqual(finished(output, "ran"), ["first", "second", "third", "side", "pair"], "next ran the node jumped to, not gated, the first ready node in order");
    assert.deepEqual(finished(output, "skipped"), []);
  });

  test("goto a skipped node stops before it; its condition shows", async (t) => {
    const setup = jumps();
    const client = await launch(t, setup.args);
    await stoppedAt(client);
    const stop = await jumpTo(client, setup.graph, "gated");
    assert.deepEqual([stop.reason, stop.node], ["goto", "gated"]);
    assert.equal((await scopeValues(client)).Node.condition, '"big"');
    await client.nextRequest({ threadId: 1 });
    const after = await stoppedAt(client);
    assert.notEqual(after.node, "gated");
    const view = await runViewWhere(client, (v) => v.nodes.gated.state !== "pending");
    assert.equal(view.nodes.gated.state, "skipped");
  });

  test("goto a node upstream jumps back: it and the nodes after it are pending again, and run (from the cache) when the run goes on", async (t) => {
    const setup = jumps();
    const client = await launch(t, setup.args, { path: setup.graph, breakpoints: [{ line: LINE.last }] });
    const output = collectOutput(client);
    assert.equal((await stoppedAt(client)).node, "first", "stopped on entry: every log is collected from here");
    await client.continueRequest({ threadId: 1 });
    assert.equal((await stoppedAt(client)).node, "last");
    assert.deepEqual(ran(output).sort(), ["each", "each", "first", "pair", "second", "side", "third"]);
    // While stepped back, a goto starts from the present.
    await client.stepBackRequest({ threadId: 1 });
    await stoppedAt(client);

    const stop = await jumpTo(client, setup.graph, "second");
    assert.deepEqual([stop.reason, stop.node], ["goto", "second"]);
    assert.equal(ran(output).length, 7, "nothing ran to jump back");
    const scopes = await scopeValues(client);
    const { n } = setup.args.input as { n: number };
    assert.deepEqual(scopes.Inputs, { a: String(n + 1), b: "10" });
    assert.deepEqual(Object.keys(scopes.Outputs).sort(), ["each", "first", "pair", "side"], "second and the nodes after it have no output now; the other branch keeps its own");
    const view = await runViewWhere(client, (v) => v.current === "second");
    assert.deepEqual([view.nodes.second.state, view.nodes.third.state, view.nodes.last.state, view.nodes.first.state], ["stale", "stale", "pending", "ran"], "last had not run: it is pending as before");
    assert.equal(view.nodes.third.why, "the debugger jumped back to 'second': runs again");

    const ended = client.waitForEvent("terminated");
    await client.setBreakpointsRequest({ source: { path: setup.graph }, breakpoints: [] });
    await client.continueRequest({ threadId: 1 });
    await ended;
    assert.equal(ran(output).length, 8, "last ran (it had not run yet); second and third came from the cache");
    assert.deepEqual(finished(output, "cached").sort(), ["second", "third"]);
  });

  test("goto a map node stops before the whole node; stepIn then goes to its element 0; between its elements goto is refused", async (t) => {
    const setup = jumps();
    const client = await launch(t, setup.args);
    await stoppedAt(client);
    const stop = await jumpTo(client, setup.graph, "each");
    assert.deepEqual([stop.reason, stop.node], ["goto", "each"], "the whole node, not each[0]");
    await client.stepInRequest({ threadId: 1 });
    assert.equal((await stoppedAt(client)).node, "each[0]");
    await client.nextRequest({ threadId: 1 });
    assert.equal((await stoppedAt(client)).node, "each[1]");
    const [target] = await targetsAt(client, setup.graph, LINE.third);
    const message = await failure(client.gotoRequest({ threadId: 1, targetId: target.id }));
    assert.match(message, /stopped inside 'each'.*step out of it first/);
    await client.stepOutRequest({ threadId: 1 });
    assert.equal((await stoppedAt(client)).node, "second", "the refused goto changed nothing: stepOut finished each and stopped before the next node in order");
  });

  test("goto a target that is not one: one error response", async (t) => {
    const setup = jumps();
    const client = await launch(t, setup.args);
    await stoppedAt(client);
    assert.match(await failure(client.gotoRequest({ threadId: 1, targetId: 9999 })), /no goto target 9999/);
  });
});

describe("Run to Cursor: a temporary breakpoint around a continue", () => {
  /** As VS Code does it: add the breakpoint (with a column) to the file's others, continue, and at the stop set the others again. */
  async function runToCursor(client: DebugClient, graph: string, line: number, others: DebugProtocol.SourceBreakpoint[]): Promise<Awaited<ReturnType<typeof stoppedAt>>> {
    const placed = await client.setBreakpointsRequest({ source: { path: graph }, breakpoints: [...others, { line, column: 5 }] });
    assert.equal(placed.body.breakpoints.at(-1)?.verified, true, "the temporary breakpoint is verified");
    await client.continueRequest({ threadId: 1 });
    const stop = await stoppedAt(client);
    await client.setBreakpointsRequest({ source: { path: graph }, breakpoints: others });
    return stop;
  }

  test("runs to the node at the cursor, and the removed breakpoint stops nothing later", async (t) => {
    const setup = jumps();
    const client = await launch(t, setup.args);
    const output = collectOutput(client);
    assert.equal((await stoppedAt(client)).node, "first");
    const stop = await runToCursor(client, setup.graph, LINE.third, [{ line: LINE.last }]);
    assert.deepEqual([stop.reason, stop.node], ["breakpoint", "third"]);
    assert.ok(ran(output).includes("second"), "the nodes before it ran");
    // On the second line of a node statement: the node is `last`, which also has a breakpoint of its own.
    const toLast = await runToCursor(client, setup.graph, LINE.last + 1, [{ line: LINE.last }]);
    assert.deepEqual([toLast.reason, toLast.node], ["breakpoint", "last"]);
    await client.setBreakpointsRequest({ source: { path: setup.graph }, breakpoints: [] });
    const ended = client.waitForEvent("terminated");
    await client.continueRequest({ threadId: 1 });
    await ended;
  });

  test("a breakpoint on the way stops first; the temporary one, removed there, then stops nothing", async (t) => {
    const setup = jumps();
    const client = await launch(t, setup.args);
    const output = collectOutput(client);
    assert.equal((await stoppedAt(client)).node, "first");
    const stop = await runToCursor(client, setup.graph, LINE.last, [{ line: LINE.second }]);
    assert.deepEqual([stop.reason, stop.node], ["breakpoint", "second"], "the breakpoint on the way");
    await client.setBreakpointsRequest({ source: { path: setup.graph }, breakpoints: [] });
    const ended = client.waitForEvent("terminated");
    await client.continueRequest({ threadId: 1 });
    await ended;
    assert.ok(ran(output).includes("last"));
  });
});
