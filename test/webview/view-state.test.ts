// The webview's message handling: what each message from the extension changes, and when a
// new picture is laid out again rather than only drawn again.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { GraphPicture } from "../../src/graph/picture";
import type { RunView } from "../../src/runtime/run-view";
import { INITIAL_STATE, layoutKey, receive } from "../../src/webview/view-state";

const picture: GraphPicture = {
  graph: "g",
  file: "/work/g.graph",
  inputs: [{ name: "a", line: 1 }],
  nodes: [{ name: "b", line: 2, loop: "main", kind: "function", callText: "f", mapped: false, pinned: false, output: true }],
  edges: [{ from: "a", fromKind: "input", to: "b", optional: false, conditionOnly: false }],
  loops: [{ name: "main", declared: false, nodes: ["b"] }],
};
const view: RunView = { graph: "g", file: "/work/g.graph", finished: false, nodes: { b: { state: "running" } } };

describe("receive", () => {
  test("a first picture is laid out, with the banner's error count", () => {
    const { state, redraw } = receive(INITIAL_STATE, { type: "picture", picture, errorCount: 0 });
    assert.equal(state.picture, picture);
    assert.deepEqual(redraw, { layout: true, draw: true, states: true, loops: true, banner: true, toolbar: false });
  });

  test("the same picture again (errors come and go): only the banner", () => {
    const first = receive(INITIAL_STATE, { type: "picture", picture, errorCount: 0 }).state;
    const { state, redraw } = receive(first, { type: "picture", picture: structuredClone(picture), errorCount: 2 });
    assert.equal(state.errorCount, 2);
    assert.deepEqual(redraw, { layout: false, draw: false, states: false, loops: false, banner: true, toolbar: false });
  });

  test("lines moved or a condition reworded: drawn again on the same layout", () => {
    const first = receive(INITIAL_STATE, { type: "picture", picture, errorCount: 0 }).state;
    const moved = { ...picture, nodes: [{ ...picture.nodes[0], line: 7, when: "a > 1" }] };
    const { redraw } = receive(first, { type: "picture", picture: moved, errorCount: 0 });
    assert.equal(redraw.layout, false);
    assert.equal(redraw.draw, true);
  });

  test("a node renamed, a call changed, an edge added: laid out again", () => {
    const first = receive(INITIAL_STATE, { type: "picture", picture, errorCount: 0 }).state;
    const changes: GraphPicture[] = [
      { ...picture, nodes: [{ ...picture.nodes[0], name: "c" }] },
      { ...picture, nodes: [{ ...picture.nodes[0], callText: "pricing.f" }] },
      { ...picture, edges: [...picture.edges, { from: "a", fromKind: "input", to: "b", optional: true, conditionOnly: true }] },
      { ...picture, loops: [{ name: "main", declared: true, nodes: ["b"] }] },
    ];
    for (const changed of changes) assert.equal(receive(first, { type: "picture", picture: changed, errorCount: 0 }).redraw.layout, true, JSON.stringify(changed));
  });

  test("a RunView: the states are written again and announced against the previous view", () => {
    const { state, redraw } = receive(INITIAL_STATE, { type: "runView", view });
    assert.equal(state.runView, view);
    assert.equal(redraw.states, true);
    assert.equal(redraw.announceSince, null);
    const next = receive(state, { type: "runView", view: { ...view, nodes: { b: { state: "ran" } } } });
    assert.equal(next.redraw.announceSince, view);
  });

  test("loop figures and Production: the toolbar and the frames; Production off forgets the figures", () => {
    const on = receive(INITIAL_STATE, { type: "production", on: true }).state;
    const stats = receive(on, { type: "loopStats", loops: [{ name: "main", waiting: 2, inFlight: 1, rate: 0.5 }] });
    assert.deepEqual(stats.state.loopStats, [{ name: "main", waiting: 2, inFlight: 1, rate: 0.5 }]);
    assert.equal(stats.state.loopMessage, "");
    assert.equal(stats.redraw.loops && stats.redraw.toolbar, true);
    const failed = receive(stats.state, { type: "loopStats", loops: null, message: "g is not deployed" });
    assert.equal(failed.state.loopMessage, "g is not deployed");
    const off = receive(stats.state, { type: "production", on: false }).state;
    assert.deepEqual([off.production, off.loopStats, off.loopMessage], [false, null, ""]);
  });
});

describe("layoutKey", () => {
  test("no picture has the empty key", () => {
    assert.equal(layoutKey(null), "");
    assert.notEqual(layoutKey(picture), "");
  });
});
