// Which graph file a debug session runs, and the form of a path the graph view compares.
import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { describe, test } from "node:test";
import { pathKey, sessionGraphPath } from "../../../src/extension/views/session-graph";

describe("sessionGraphPath", () => {
  test("an absolute graph path as it is; a relative one from the workspace folder", () => {
    const folder = resolve("/work/shop");
    assert.equal(sessionGraphPath(join(folder, "orders.graph"), undefined), join(folder, "orders.graph"));
    assert.equal(sessionGraphPath("graphs/orders.graph", folder), join(folder, "graphs", "orders.graph"));
  });

  test("no graph, or not a string: none", () => {
    for (const graph of [undefined, "", "  ", 3, null]) assert.equal(sessionGraphPath(graph, "/work"), undefined, String(graph));
  });
});

describe("pathKey", () => {
  test("case-folded on Windows only", () => {
    assert.equal(pathKey("/Work/Orders.graph", "linux"), resolve("/Work/Orders.graph"));
    assert.equal(pathKey("/Work/Orders.graph", "win32"), resolve("/Work/Orders.graph").toLowerCase());
  });
});
