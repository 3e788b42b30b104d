// Which graph file a debug session runs, which session a graph view asks for its states, a
// RunView as the adapter sends it, and the form of a path the graph view compares.
import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { describe, test } from "node:test";
import { pathKey, runViewIn, sessionGraphPath, sessionToAsk } from "../../../src/extension/views/session-graph";

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

describe("sessionToAsk", () => {
  const orders = resolve("/work/shop/orders.graph");
  const running = [
    { session: "first", graph: orders },
    { session: "other", graph: resolve("/work/shop/reviews.graph") },
    { session: "second", graph: orders },
  ];

  test("the active session when it runs the graph, else the last started that does", () => {
    assert.equal(sessionToAsk(orders, running, "first"), "first");
    assert.equal(sessionToAsk(orders, running, "other"), "second");
    assert.equal(sessionToAsk(orders, running, undefined), "second");
    assert.equal(sessionToAsk(join(resolve("/work/shop"), ".", "orders.graph"), running, undefined), "second", "compared as paths");
  });

  test("none when no running session runs it", () => {
    assert.equal(sessionToAsk(resolve("/work/shop/enrich.graph"), running, "first"), undefined);
    assert.equal(sessionToAsk(orders, [], undefined), undefined);
  });
});

describe("runViewIn", () => {
  test("a body with a file and nodes is a RunView; anything else is none", () => {
    const view = { graph: "orders", file: "/work/orders.graph", finished: false, nodes: { rates: { state: "cached" } } };
    assert.equal(runViewIn(view), view);
    for (const body of [undefined, null, "view", 3, {}, { file: "/x.graph" }, { nodes: {} }, { file: 1, nodes: {} }, { file: "/x.graph", nodes: null }]) assert.equal(runViewIn(body), undefined, JSON.stringify(body));
  });
});

describe("pathKey", () => {
  test("case-folded on Windows only", () => {
    assert.equal(pathKey("/Work/Orders.graph", "linux"), resolve("/Work/Orders.graph"));
    assert.equal(pathKey("/Work/Orders.graph", "win32"), resolve("/Work/Orders.graph").toLowerCase());
  });
});
