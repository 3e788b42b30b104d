// The debugger on language v2 graphs (DebugClient over stdio): a skipped node is a step
// whose Node scope says `when: false`; a node skipped for a skipped dependency says which;
// a map node's Node scope counts its elements; a pinned node's file is its output.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { copyFixture } from "../runtime/workspace";
import { launch, scopeValues, stoppedAt } from "./dap-helpers";

describe("language v2 in the debugger", () => {
  test("a skipped node is a step; its Node scope says when: false, and its dependents say why they were skipped", async (t) => {
    const ws = copyFixture("v2");
    const client = await launch(t, { graph: ws.path("skips.graph"), input: { order: { id: "o1", total: 50 } }, redisUrl: "memory", cwd: ws.dir });
    const entry = await stoppedAt(client);
    assert.equal(entry.node, "refunded");
    const before = await scopeValues(client);
    assert.equal(before.Node.condition, '"order.total > 100 and not order.flagged"');
    assert.equal(before.Node.when, undefined, "not decided before the node is reached");
    await client.nextRequest({ threadId: 1 });
    const next = await stoppedAt(client);
    const refunded = next.frames.find((f) => f.name.startsWith("refunded "));
    assert.ok(refunded, `refunded is below ${next.node}: ${next.frames.map((f) => f.name).join(", ")}`);
    const skipped = await scopeValues(client, refunded.id);
    assert.equal(skipped.Node.when, "false");
    assert.equal(skipped.Node.status, '"skipped"');
    await client.continueRequest({ threadId: 1 });
    await client.waitForEvent("terminated");
  });

  test("a map node counts its elements; a pinned node's value is its output", async (t) => {
    const ws = copyFixture("v2");
    ws.write("both.graph", ['graph both', 'use "./nodes/v2.ts"', "input list = [1, 2, 3]", 'node rates = numbers(3)  [pin: "./pins/rates.json"]', "node scaled = scale(map list, 2)", "node last = echo(scaled)"].join("\n"));
    const client = await launch(t, { graph: ws.path("both.graph"), redisUrl: "memory", cwd: ws.dir, stopOnEntry: false }, { path: ws.path("both.graph"), breakpoints: [{ line: 6 }] });
    const stop = await stoppedAt(client);
    assert.equal(stop.node, "last");
    const scaled = await scopeValues(client, stop.frames.find((f) => f.name.startsWith("scaled "))?.id);
    assert.equal(scaled.Node.map, '"list: 3 of 3 elements"');
    assert.equal(scaled.Outputs.scaled, "Array(3) [ 2, 4, 6 ]");
    assert.match(scaled.Outputs.rates ?? "", /when: 2026-11-27T10:00:00\.000Z/, "the pinned value is an output");
  });
});
