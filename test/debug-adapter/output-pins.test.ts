// Pin Output and Unpin's side of the adapter, with a real DAP client: the Outputs scope's
// variables carry the menu context VS Code's Variables pane reads (a pinned node's its
// own), and stepgraphPinText gives the pin file text of an output, its node and file.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import type { DebugClient } from "@vscode/debugadapter-testsupport";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { parsePinText } from "../../src/runtime/pin-file";
import { copyFixture } from "../runtime/workspace";
import { launch, stoppedAt } from "./dap-helpers";

type MenuVariable = DebugProtocol.Variable & { __vscodeVariableMenuContext?: string };

interface PinTextBody {
  node: string;
  file: string;
  text: string;
  pin?: string;
}

async function scopes(client: DebugClient): Promise<Record<string, { reference: number; variables: MenuVariable[] }>> {
  const frameId = (await client.stackTraceRequest({ threadId: 1 })).body.stackFrames[0].id;
  const result: Record<string, { reference: number; variables: MenuVariable[] }> = {};
  for (const scope of (await client.scopesRequest({ frameId })).body.scopes) {
    result[scope.name] = { reference: scope.variablesReference, variables: (await client.variablesRequest({ variablesReference: scope.variablesReference })).body.variables };
  }
  return result;
}

async function pinText(client: DebugClient, args: unknown): Promise<PinTextBody> {
  return ((await client.customRequest("stepgraphPinText", args)) as DebugProtocol.Response & { body: PinTextBody }).body;
}

describe("pinning an output from the Variables pane", () => {
  test("outputs carry the menu context, pinned ones their own; nothing else does", async (t) => {
    const ws = copyFixture("v2");
    ws.write("pins.graph", ['graph pins', 'use "./nodes/v2.ts"', 'node rates = numbers(3)  [pin: "./pins/rates.json"]', "node used  = echo(rates)", "node last  = echo(used)"].join("\n"));
    const client = await launch(t, { graph: ws.path("pins.graph"), redisUrl: "memory", cwd: ws.dir, stopOnEntry: false }, { path: ws.path("pins.graph"), breakpoints: [{ line: 5 }] });
    assert.equal((await stoppedAt(client)).node, "last");
    const { Outputs, Node, Inputs } = await scopes(client);
    assert.deepEqual(
      Outputs.variables.map((v) => [v.name, v.__vscodeVariableMenuContext]),
      [
        ["rates", "stepgraphPinnedOutput"],
        ["used", "stepgraphOutput"],
      ],
    );
    for (const variable of [...Node.variables, ...Inputs.variables]) assert.equal(variable.__vscodeVariableMenuContext, undefined, variable.name);
    const rates = Outputs.variables[0];
    const inside = (await client.variablesRequest({ variablesReference: rates.variablesReference })).body.variables as MenuVariable[];
    assert.ok(inside.length > 0);
    for (const variable of inside) assert.equal(variable.__vscodeVariableMenuContext, undefined, "a value inside an output is not an output");

    // The text holds the output exactly as the runtime has it: tagged Date, BigInt, Map, Set, bytes...
    const pinned = parsePinText(readFileSync(ws.path("pins", "rates.json"), "utf8"));
    const used = await pinText(client, { variablesReference: Outputs.reference, name: "used" });
    assert.deepEqual({ ...used, text: undefined }, { node: "used", file: ws.path("pins.graph"), text: undefined });
    assert.deepEqual(parsePinText(used.text), pinned);
    assert.match(used.text, /"\$stepgraph": "bigint"/);
    const again = await pinText(client, { variablesReference: Outputs.reference, name: "rates" });
    assert.equal(again.pin, ws.path("pins", "rates.json"), "a pinned node's pin file, for the extension to write to again");
    assert.deepEqual(parsePinText(again.text), pinned);
    await Promise.all([client.continueRequest({ threadId: 1 }), client.waitForEvent("terminated")]);
  });

  test("bad arguments, a variable that is not an output, a name with no output: one error each", async (t) => {
    const ws = copyFixture("v2");
    const client = await launch(t, { graph: ws.path("pinned.graph"), redisUrl: "memory", cwd: ws.dir, stopOnEntry: false }, { path: ws.path("pinned.graph"), breakpoints: [{ line: 6 }] });
    await stoppedAt(client);
    const { Outputs, Node } = await scopes(client);
    await assert.rejects(pinText(client, { name: "rates" }), /^Error: stepgraphPinText takes \{ variablesReference: number, name: string \}: the Outputs scope and the name of an output in it$/);
    await assert.rejects(pinText(client, { variablesReference: Node.reference, name: "cache" }), /only an output in the Outputs scope can be pinned/);
    await assert.rejects(pinText(client, { variablesReference: Outputs.reference, name: "used" }), /'used' has no output here/, "used has not run yet");
    await Promise.all([client.continueRequest({ threadId: 1 }), client.waitForEvent("terminated")]);
  });

  test("a subgraph's output names the subgraph's file", async (t) => {
    const ws = copyFixture("v2");
    const client = await launch(t, { graph: ws.path("uses-a.graph"), redisUrl: "memory", cwd: ws.dir, stopOnEntry: false }, { path: ws.path("greeting.graph"), breakpoints: [{ line: 9 }] });
    assert.equal((await stoppedAt(client)).node, "loud");
    const { Outputs } = await scopes(client);
    assert.deepEqual(
      Outputs.variables.map((v) => [v.name, v.__vscodeVariableMenuContext]),
      [["text", "stepgraphOutput"]],
    );
    const text = await pinText(client, { variablesReference: Outputs.reference, name: "text" });
    assert.deepEqual(text, { node: "text", file: ws.path("greeting.graph"), text: '"Hello, Ada"\n' });
    await client.disconnectRequest({ terminateDebuggee: true });
  });
});
