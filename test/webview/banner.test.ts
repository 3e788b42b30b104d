// The banner over the picture, and the templates' placeholders.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { GraphPicture } from "../../src/graph/picture";
import { bannerText, pictureLabel } from "../../src/webview/banner";
import { format } from "../../src/webview/view-strings";
import { STRINGS } from "./strings";

const picture: GraphPicture = { graph: "g", file: "/g.graph", inputs: [], nodes: [], edges: [], loops: [] };

describe("bannerText", () => {
  test("errors over the last clean picture, one or several", () => {
    assert.equal(bannerText(picture, 1, STRINGS), "This file has an error: the graph shows its last version without errors.");
    assert.equal(bannerText(picture, 3, STRINGS), "This file has 3 errors: the graph shows its last version without errors.");
  });

  test("errors and never a clean picture", () => {
    assert.equal(bannerText(null, 1, STRINGS), "This file has an error and has not checked clean yet: there is no graph to show.");
    assert.equal(bannerText(null, 2, STRINGS), "This file has 2 errors and has not checked clean yet: there is no graph to show.");
  });

  test("no errors: no banner, unless there is no picture yet", () => {
    assert.equal(bannerText(picture, 0, STRINGS), "");
    assert.match(bannerText(null, 0, STRINGS), /^No graph to show yet/);
  });
});

describe("pictureLabel", () => {
  test("the graph's name and how many nodes it has", () => {
    const node = { name: "b", line: 1, loop: "main", kind: "function" as const, callText: "f", mapped: false, pinned: false, output: true };
    assert.equal(pictureLabel({ ...picture, nodes: [node] }, STRINGS), "graph g, 1 node");
    assert.equal(pictureLabel({ ...picture, nodes: [node, { ...node, name: "c" }] }, STRINGS), "graph g, 2 nodes");
  });
});

describe("format", () => {
  test("fills {0}, {1}, ... and leaves a placeholder without an argument", () => {
    assert.equal(format("{1} of {0}", 5, 3), "3 of 5");
    assert.equal(format("{0} and {2}", "a"), "a and {2}");
  });
});
