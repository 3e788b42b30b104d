// What the aria-live region says as RunViews arrive: changes only, a few by name, where the
// run stopped, that it finished.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { NodeView, RunView } from "../../src/runtime/run-view";
import { announcement } from "../../src/webview/announcements";
import { STRINGS } from "./strings";

const run = (nodes: Record<string, NodeView["state"]>, extra: Partial<RunView> = {}): RunView => ({
  graph: "orders",
  file: "/work/orders.graph",
  finished: false,
  nodes: Object.fromEntries(Object.entries(nodes).map(([name, state]) => [name, { state }])),
  ...extra,
});

describe("announcement", () => {
  test("a first view: its pending nodes are no news, where it stopped is", () => {
    assert.equal(announcement(null, run({ customer: "pending", lines: "pending" }, { current: "customer" }), STRINGS), "stopped at customer");
  });

  test("the nodes whose state changed, then where the run stopped", () => {
    const before = run({ customer: "running", lines: "pending", rates: "pending" }, { current: "customer" });
    const after = run({ customer: "ran", lines: "cached", rates: "pending" }, { current: "rates" });
    assert.equal(announcement(before, after, STRINGS), "customer: ran. lines: cached. stopped at rates");
  });

  test("a map node's state says its progress", () => {
    const before = run({ scored: "pending" });
    const after: RunView = { ...before, nodes: { scored: { state: "running", elements: { finished: 0, count: 5 } } } };
    assert.equal(announcement(before, after, STRINGS), "scored: running · 0 of 5");
  });

  test("many changes at once are counted; the end of the run is said", () => {
    const names = ["a", "b", "c", "d", "e", "f"];
    const before = run(Object.fromEntries(names.map((n) => [n, "pending"])));
    const after = run(Object.fromEntries(names.map((n) => [n, "cached"])), { finished: true });
    assert.equal(announcement(before, after, STRINGS), "6 nodes changed state. the run finished");
  });

  test("nothing changed, or no view: nothing said", () => {
    const view = run({ a: "ran" }, { current: "a" });
    assert.equal(announcement(view, { ...view }, STRINGS), "");
    assert.equal(announcement(view, null, STRINGS), "");
  });

  test("a view of another file is compared with nothing", () => {
    const other = run({ a: "ran" }, { file: "/work/other.graph" });
    assert.equal(announcement(other, run({ a: "ran" }), STRINGS), "a: ran");
  });
});
