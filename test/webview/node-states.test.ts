// What the graph view writes into each node for a RunView: state classes (sg-state-STATE,
// sg-current), the sg-state line with a map node's progress, the tooltip and the aria-label.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { GraphPicture, PictureNode } from "../../src/graph/picture";
import type { RunView } from "../../src/runtime/run-view";
import { CURRENT_CLASS, NODE_STATES, nodeDisplays, stateClass, VIEW_CLASSES } from "../../src/webview/node-states";
import { STRINGS } from "./strings";

const node = (name: string, extra: Partial<PictureNode> = {}): PictureNode => ({ name, line: 3, loop: "main", kind: "function", callText: `${name}Of`, mapped: false, pinned: false, output: false, ...extra });

const picture: GraphPicture = {
  graph: "reviews",
  file: "/work/reviews.graph",
  inputs: [{ name: "reviews", line: 2 }],
  nodes: [
    node("texts"),
    node("scored", { kind: "map", callText: "score", mapped: true }),
    node("sentiments", { kind: "subgraph", callText: "sentiment", mapped: true }),
    node("voice", { pinned: true, callText: "loadBrandVoice" }),
    node("alert", { when: "summary.average < alertBelow" }),
    node("report", { output: true }),
  ],
  edges: [],
  loops: [{ name: "main", declared: false, nodes: ["texts", "scored", "sentiments", "voice", "alert", "report"] }],
};

const view: RunView = {
  graph: "reviews",
  file: "/work/reviews.graph",
  current: "scored",
  finished: false,
  nodes: {
    texts: { state: "cached", durationMs: 4, why: "read from the cache, computed 2 minutes ago" },
    scored: { state: "running", elements: { finished: 3, count: 5 } },
    sentiments: { state: "pending", elements: { finished: 0, count: 4 } },
    voice: { state: "pinned", durationMs: 1, why: "from pins/brand-voice.json" },
    alert: { state: "pending" },
  },
};

describe("nodeDisplays", () => {
  const displays = nodeDisplays(picture, view, STRINGS);

  test("each node's state class, the current node marked", () => {
    assert.deepEqual(displays.get("texts")?.classes, ["sg-state-cached"]);
    assert.deepEqual(displays.get("scored")?.classes, ["sg-state-running", CURRENT_CLASS]);
    assert.deepEqual(displays.get("voice")?.classes, ["sg-state-pinned"]);
    assert.deepEqual(displays.get("alert")?.classes, ["sg-state-pending"]);
  });

  test("the sg-state line: the state, and a map node's progress", () => {
    assert.equal(displays.get("texts")?.stateText, "cached");
    assert.equal(displays.get("scored")?.stateText, "running · 3 of 5");
  });

  test("a subgraph called with map: a map subgraph, with its progress", () => {
    assert.equal(displays.get("sentiments")?.stateText, "pending · 0 of 4");
    assert.equal(displays.get("sentiments")?.label, "sentiments, map subgraph sentiment, pending · 0 of 4");
    const running = nodeDisplays(picture, { ...view, nodes: { sentiments: { state: "running", why: "stopped inside subgraph 'sentiment'", elements: { finished: 2, count: 4 } } } }, STRINGS).get("sentiments");
    assert.equal(running?.stateText, "running · 2 of 4");
    assert.equal(running?.tooltip, "sentiments = sentiment\nrunning · 2 of 4\nstopped inside subgraph 'sentiment'");
  });

  test("the tooltip: the call, its notes, the state with the last duration, and why", () => {
    assert.equal(displays.get("texts")?.tooltip, "texts = textsOf\ncached (took 4 ms)\nread from the cache, computed 2 minutes ago");
    assert.equal(displays.get("voice")?.tooltip, "voice = loadBrandVoice\npinned output\npinned (took 1 ms)\nfrom pins/brand-voice.json");
    assert.equal(displays.get("alert")?.tooltip, "alert = alertOf\nwhen summary.average < alertBelow\npending");
  });

  test("the aria-label: name, kind and call, notes, state, and where the run is stopped", () => {
    assert.equal(displays.get("scored")?.label, "scored, map score, running · 3 of 5, the run is stopped here");
    assert.equal(displays.get("texts")?.label, "texts, function textsOf, cached (took 4 ms)");
  });

  test("a node the RunView does not know (added since the run started) shows no state", () => {
    assert.deepEqual(displays.get("report"), { classes: [], stateText: "", tooltip: "report = reportOf\nan output of the graph", label: "report, function reportOf, an output of the graph" });
  });

  test("no RunView: every node without state", () => {
    for (const display of nodeDisplays(picture, null, STRINGS).values()) {
      assert.deepEqual(display.classes, []);
      assert.equal(display.stateText, "");
    }
  });

  test("every state has its class and its word; the classes the view clears include them all", () => {
    for (const state of NODE_STATES) {
      assert.equal(stateClass(state), `sg-state-${state}`);
      assert.ok(VIEW_CLASSES.includes(stateClass(state)));
      assert.equal(STRINGS.states[state], state, `the English word of ${state}`);
      const display = nodeDisplays(picture, { ...view, current: undefined, nodes: { texts: { state } } }, STRINGS).get("texts");
      assert.deepEqual(display?.classes, [`sg-state-${state}`]);
    }
    assert.ok(VIEW_CLASSES.includes(CURRENT_CLASS));
  });

  test("durations: milliseconds, seconds, minutes", () => {
    const took = (durationMs: number) => nodeDisplays(picture, { ...view, nodes: { texts: { state: "ran", durationMs } } }, STRINGS).get("texts")?.tooltip.split("\n")[1];
    assert.equal(took(850), "ran (took 850 ms)");
    assert.equal(took(1240), "ran (took 1.2 s)");
    assert.equal(took(125_000), "ran (took 2 min 5 s)");
  });
});
