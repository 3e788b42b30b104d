// Stepping into node code (docs/debugging.md, "Into the TypeScript"), driven by a real DAP
// client against the built adapter. The test plays VS Code's part: it answers the
// adapter's `startDebugging` reverse request, and as the JavaScript debugger of the child
// session it connects to the host's inspector itself (inspector-client.ts), where it sees
// the pause on the node function's first line and resumes it. The cache is off: no Redis.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { test } from "node:test";
import { copyFixture } from "../runtime/workspace";
import { actAsChildSession, type AttachBreakpoint } from "./child-session";
import { adapterPid, collectOutput, launch, onReverseRequest, stoppedAt } from "./dap-helpers";
import { inspectorTargets, type CdpEvent, type InspectorClient } from "./inspector-client";

function steps(extra: Record<string, unknown> = {}): Record<string, unknown> {
  const ws = copyFixture("stepin", "debug-adapter");
  return { graph: ws.path("steps.graph"), input: { n: 20 }, cwd: ws.dir, cache: "off", poolSize: 1, ...extra };
}

/** The stop that comes within `ms`, or undefined. */
async function stopWithin(stop: Promise<unknown>, ms: number): Promise<unknown> {
  return Promise.race([stop, new Promise((resolve) => setTimeout(() => resolve(undefined), ms))]);
}

test("with startDebugging, the adapter asks for a child session attaching the JavaScript debugger to the node host's inspector", async (t) => {
  const { prepare, child } = actAsChildSession(t);
  const client = await launch(t, steps(), undefined, ["nodeErrors"], { supportsStartDebuggingRequest: true }, prepare);
  // The stop on entry comes once the child session is attached.
  assert.equal((await stoppedAt(client)).node, "doubled");
  assert.equal(child.requests.length, 1, "one host, one child session");
  const { request, configuration } = child.requests[0];
  assert.equal(request, "attach");
  assert.equal(configuration.type, "pwa-node");
  assert.equal(configuration.sourceMaps, true);
  assert.match(String(configuration.websocketAddress), /^ws:\/\/127\.0\.0\.1:\d+\//);
  assert.equal(configuration.port, Number(new URL(String(configuration.websocketAddress)).port));
  assert.ok(Array.isArray(configuration.outFiles) && (configuration.outFiles as string[]).some((glob) => glob.includes(".stepgraph")), `outFiles cover the bundles: ${JSON.stringify(configuration.outFiles)}`);
  // The port is a real inspector, and the target it lists is the node host.
  const targets = await inspectorTargets("127.0.0.1", configuration.port as number);
  const target = targets.find((tg) => tg.webSocketDebuggerUrl === configuration.websocketAddress);
  assert.ok(target, `the inspector lists the host: ${JSON.stringify(targets)}`);
  assert.match(target.url, /node-host\.js$/);
});

test("stepIn on a function node pauses in the child session on the function's first line; when it returns, the graph stops before the next node", async (t) => {
  const { prepare, child } = actAsChildSession(t);
  const client = await launch(t, steps(), undefined, ["nodeErrors"], { supportsStartDebuggingRequest: true }, prepare);
  const output = collectOutput(client);
  assert.equal((await stoppedAt(client)).node, "doubled");
  const inspector = await child.inspector;
  const graphStop = stoppedAt(client);
  await client.stepInRequest({ threadId: 1 });
  const paused = await inspector.nextEvent("Debugger.paused");
  const frames = paused.params.callFrames as { functionName: string; location: { scriptId: string; lineNumber: number } }[];
  assert.equal(frames[0].functionName, "double", "paused in the node's function");
  // In the bundle the host loaded, whose inline source map leads to the .ts file.
  const parsed = (await collectScripts(inspector)).find((s) => s.params.scriptId === frames[0].location.scriptId);
  assert.ok(parsed, "the paused script was parsed");
  assert.match(String(parsed.params.url), /\.stepgraph\/.*steps-[0-9a-f]+\.js$/);
  const map = JSON.parse(Buffer.from(String(parsed.params.sourceMapURL).replace(/^data:application\/json;base64,/, ""), "base64").toString("utf8")) as { sources: string[] };
  assert.ok(map.sources.some((s) => s.endsWith("nodes/steps.ts")), `the source map names steps.ts: ${map.sources.join(", ")}`);
  // While the user steps in the child session, the graph session does not stop.
  assert.equal(await stopWithin(graphStop, 500), undefined, "no graph stop while the function is paused");
  await inspector.send("Debugger.resume");
  const stop = (await graphStop) as Awaited<ReturnType<typeof stoppedAt>>;
  assert.deepEqual([stop.reason, stop.node], ["step", "after"]);
  assert.ok(output.some((line) => /^● doubled ran /.test(line)), output.join(""));
});

/** Every Debugger.scriptParsed event so far (they are queued from Debugger.enable on). */
async function collectScripts(inspector: InspectorClient): Promise<CdpEvent[]> {
  const scripts: CdpEvent[] = [];
  for (;;) {
    const event = await inspector.nextEvent("Debugger.scriptParsed", 50).catch(() => undefined);
    if (!event) return scripts;
    scripts.push(event);
  }
}

test("a client without startDebugging gets next for stepIn on a function node, and one line saying why", async (t) => {
  const client = await launch(t, steps(), undefined, ["nodeErrors"], {});
  const output = collectOutput(client);
  assert.equal((await stoppedAt(client)).node, "doubled");
  await client.stepInRequest({ threadId: 1 });
  const stop = await stoppedAt(client);
  assert.deepEqual([stop.reason, stop.node], ["step", "after"]);
  const why = output.filter((line) => line.includes("supportsStartDebuggingRequest"));
  assert.equal(why.length, 1, output.join(""));
  assert.match(why[0], /stepIn: node 'doubled' is stepped over \(as next\)/);
});

test("debugNodeCode: false starts the hosts without the inspector and asks for no child session", async (t) => {
  const { prepare, child } = actAsChildSession(t);
  const client = await launch(t, steps({ debugNodeCode: false }), undefined, ["nodeErrors"], { supportsStartDebuggingRequest: true }, prepare);
  assert.equal((await stoppedAt(client)).node, "doubled");
  const hosts = childArguments(adapterPid(client)).filter((args) => args.includes("node-host.js"));
  assert.equal(hosts.length, 1, "one node host");
  assert.doesNotMatch(hosts[0], /--inspect/);
  await client.stepInRequest({ threadId: 1 });
  assert.equal((await stoppedAt(client)).node, "after");
  assert.equal(child.requests.length, 0);
});

test("by default the hosts run with the inspector on a port of their own", async (t) => {
  const client = await launch(t, steps(), undefined, ["nodeErrors"], {});
  assert.equal((await stoppedAt(client)).node, "doubled");
  const hosts = childArguments(adapterPid(client)).filter((args) => args.includes("node-host.js"));
  assert.equal(hosts.length, 1);
  assert.match(hosts[0], /--inspect=127\.0\.0\.1:0/);
});

/** The command lines of a process's children. */
function childArguments(pid: number): string[] {
  return execFileSync("ps", ["-o", "args=", "--ppid", String(pid)], { encoding: "utf8" }).split("\n").filter((line) => line.trim() !== "");
}

test("node code runs only once the child session is attached: a breakpoint it set on attach holds in the first node (F5, no stop on entry)", async (t) => {
  const args = steps({ stopOnEntry: false });
  // As js-debug does with outFiles: the line of double()'s first statement in the bundle, which is built before the launch answers.
  const atFirstLine = (): AttachBreakpoint => {
    const bundle = findBundle(join(String(args.cwd), ".stepgraph"));
    const lineNumber = readFileSync(bundle, "utf8").split("\n").findIndex((line) => line.includes("const doubled = n * 2"));
    assert.ok(lineNumber > 0, `double() is in ${bundle}`);
    return { urlRegex: `${basename(bundle).replace(/[.]/g, "\\.")}$`, lineNumber };
  };
  const { prepare, child } = actAsChildSession(t, atFirstLine);
  const client = await launch(t, args, undefined, ["nodeErrors"], { supportsStartDebuggingRequest: true }, prepare);
  const output = collectOutput(client);
  const inspector = await child.inspector;
  const paused = await inspector.nextEvent("Debugger.paused");
  assert.equal((paused.params.hitBreakpoints as string[]).length, 1, "paused by the breakpoint set on attach");
  assert.equal((paused.params.callFrames as { functionName: string }[])[0].functionName, "double");
  await inspector.send("Debugger.resume");
  await client.waitForEvent("terminated");
  assert.ok(output.some((line) => line.includes("after: 41")), output.join(""));
});

/** The bundle of steps.ts under a .stepgraph folder. */
function findBundle(dir: string): string {
  for (const entry of readdirSync(dir, { recursive: true, encoding: "utf8" })) if (/(^|\/)steps-[0-9a-f]+\.js$/.test(entry)) return join(dir, entry);
  throw new Error(`no bundle of steps.ts in ${dir}`);
}

test("a client that refuses the child session: one line says so, the graph does not wait for it, and stepIn is next", async (t) => {
  const started = Date.now();
  let output: string[] = [];
  const client = await launch(t, steps(), undefined, ["nodeErrors"], { supportsStartDebuggingRequest: true }, (c) => {
    output = collectOutput(c);
    onReverseRequest(c, "startDebugging", () => Promise.resolve({ success: false, message: "no JavaScript debugger here" }));
  });
  assert.equal((await stoppedAt(client)).node, "doubled");
  assert.ok(Date.now() - started < 5000, "the stop on entry does not wait out the attach timeout");
  await client.stepInRequest({ threadId: 1 });
  assert.equal((await stoppedAt(client)).node, "after");
  const all = output.join("");
  assert.match(all, /the JavaScript debugger was not started for node host \d+ \(no JavaScript debugger here\)/);
});

test("with two node hosts, each gets a child session of its own, and the stop on entry waits for both", async (t) => {
  const { prepare, child } = actAsChildSession(t);
  const client = await launch(t, steps({ poolSize: 2 }), undefined, ["nodeErrors"], { supportsStartDebuggingRequest: true }, prepare);
  assert.equal((await stoppedAt(client)).node, "doubled");
  assert.equal(child.requests.length, 2, "a child session per host, both asked for before the first stop");
  const ports = child.requests.map((r) => r.configuration.port as number);
  assert.notEqual(ports[0], ports[1]);
  for (const port of ports) assert.equal((await inspectorTargets("127.0.0.1", port)).length, 1, `an inspector on ${port}`);
});
