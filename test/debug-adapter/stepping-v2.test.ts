// Stepping through map elements and into subgraphs with a real DAP client (DebugClient over
// stdio): element frames named `node[i]`, their Inputs and Node scopes, subgraph frames in
// the subgraph's own file above the calling node, breakpoints in a subgraph's file.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { DebugClient } from "@vscode/debugadapter-testsupport";
import { copyFixture, type Workspace } from "../runtime/workspace";
import { launch, scopeValues, stoppedAt, variables } from "./dap-helpers";

function mapping(): Workspace {
  const ws = copyFixture("v2");
  ws.write("stepping.graph", ["graph stepping", 'use "./nodes/v2.ts"', "input list = [1, 2, 3]", "node scaled = scale(map list, 2)", "node last = echo(scaled)"].join("\n"));
  return ws;
}

async function request(client: DebugClient, command: "next" | "stepIn" | "stepOut" | "continue"): ReturnType<typeof stoppedAt> {
  const [, stop] = await Promise.all([client.customRequest(command, { threadId: 1 }), stoppedAt(client)]);
  return stop;
}

async function outputsScope(client: DebugClient): Promise<{ variablesReference: number }> {
  const frameId = (await client.stackTraceRequest({ threadId: 1 })).body.stackFrames[0].id;
  return (await client.scopesRequest({ frameId })).body.scopes.find((s) => s.name === "Outputs") as { variablesReference: number };
}

describe("map elements in the debugger", () => {
  test("each element is a step: frame scaled[i] on the node's line, the element's arguments, index and count", async (t) => {
    const ws = mapping();
    const client = await launch(t, { graph: ws.path("stepping.graph"), redisUrl: "memory", cwd: ws.dir });
    const entry = await stoppedAt(client);
    assert.deepEqual([entry.frames[0].name, entry.line], ["scaled[0] = scale(…)", 4]);
    let scopes = await scopeValues(client);
    assert.deepEqual(scopes.Inputs, { item: "1", factor: "2" });
    assert.deepEqual([scopes.Node.index, scopes.Node.count], ["0", "3"]);
    const second = await request(client, "next");
    assert.deepEqual([second.reason, second.frames[0].name, second.line], ["step", "scaled[1] = scale(…)", 4]);
    scopes = await scopeValues(client);
    assert.deepEqual(scopes.Inputs, { item: "2", factor: "2" });
    assert.equal(scopes.Node.index, "1");
    assert.equal(scopes.Node.map, '"list: 1 of 3 elements"');
    await Promise.all([client.continueRequest({ threadId: 1 }), client.waitForEvent("terminated")]);
  });

  test("a breakpoint on a map node stops once before the node; stepIn goes to element 0; stepOut stops after the node", async (t) => {
    const ws = mapping();
    const client = await launch(t, { graph: ws.path("stepping.graph"), redisUrl: "memory", cwd: ws.dir, stopOnEntry: false }, { path: ws.path("stepping.graph"), breakpoints: [{ line: 4 }] });
    const stop = await stoppedAt(client);
    assert.deepEqual([stop.reason, stop.frames[0].name], ["breakpoint", "scaled = scale(…)"]);
    assert.equal((await scopeValues(client)).Node.index, undefined);
    const element = await request(client, "stepIn");
    assert.equal(element.frames[0].name, "scaled[0] = scale(…)");
    assert.equal((await request(client, "next")).node, "scaled[1]");
    const out = await request(client, "stepOut");
    assert.deepEqual([out.reason, out.node], ["step", "last"]);
    assert.equal((await scopeValues(client)).Outputs.scaled, "Array(3) [ 2, 4, 6 ]");
    await Promise.all([client.continueRequest({ threadId: 1 }), client.waitForEvent("terminated")]);
  });
});

describe("subgraphs in the debugger", () => {
  test("stepIn enters the subgraph: its file, its nodes as steps, the caller below; stepOut returns after the node", async (t) => {
    const ws = copyFixture("v2");
    const client = await launch(t, { graph: ws.path("uses-a.graph"), redisUrl: "memory", cwd: ws.dir });
    assert.equal((await stoppedAt(client)).node, "said");
    const inside = await request(client, "stepIn");
    assert.deepEqual([inside.node, inside.line, inside.frames[0].source?.path], ["text", 8, ws.path("greeting.graph")]);
    const caller = inside.frames.find((f) => f.name.startsWith("said "));
    assert.deepEqual([caller?.source?.path, caller?.line], [ws.path("uses-a.graph"), 8], `the caller below: ${inside.frames.map((f) => f.name).join(", ")}`);
    assert.ok(inside.frames.indexOf(caller as never) > 0);
    assert.deepEqual((await scopeValues(client)).Inputs, { name: '"Ada"', greeting: '"Hello"' });
    const loud = await request(client, "next");
    assert.deepEqual([loud.node, loud.line], ["loud", 9]);
    assert.equal((await scopeValues(client)).Outputs.text, '"Hello, Ada"', "the subgraph's outputs so far");
    const outputs = (await variables(client, "Outputs"))[0];
    await assert.rejects(client.setVariableRequest({ variablesReference: (await outputsScope(client)).variablesReference, name: outputs.name, value: '"x"' }), /a subgraph's outputs cannot be changed/);
    const back = await request(client, "stepOut");
    assert.deepEqual([back.node, back.frames[0].source?.path], ["again", ws.path("uses-a.graph")]);
    assert.match((await scopeValues(client)).Outputs.said ?? "", /HELLO, ADA/);
    await Promise.all([client.continueRequest({ threadId: 1 }), client.waitForEvent("terminated")]);
  });

  test("a breakpoint in the subgraph's file holds while continuing; next over a subgraph node runs it whole", async (t) => {
    const ws = copyFixture("v2");
    const client = await launch(t, { graph: ws.path("uses-a.graph"), redisUrl: "memory", cwd: ws.dir, stopOnEntry: false }, { path: ws.path("greeting.graph"), breakpoints: [{ line: 9 }] });
    const stop = await stoppedAt(client);
    assert.deepEqual([stop.reason, stop.node, stop.frames[0].source?.path], ["breakpoint", "loud", ws.path("greeting.graph")]);
    assert.ok(stop.frames.some((f) => f.name.startsWith("said ")));
    await Promise.all([client.continueRequest({ threadId: 1 }), client.waitForEvent("terminated")]);

    const again = copyFixture("v2");
    const stepping = await launch(t, { graph: again.path("uses-a.graph"), redisUrl: "memory", cwd: again.dir });
    assert.equal((await stoppedAt(stepping)).node, "said");
    assert.equal((await request(stepping, "next")).node, "again");
  });
});
