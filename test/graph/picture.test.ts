// buildPicture: what a picture shows of a checked graph.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { featuresGraphPath, pictureFiles, pictureOf } from "./picture-helpers";

describe("buildPicture", () => {
  const picture = pictureOf(featuresGraphPath);
  const node = (name: string) => {
    const found = picture.nodes.find((n) => n.name === name);
    assert.ok(found, `no node ${name}`);
    return found;
  };

  test("names the graph and its file, and the inputs with their zero-based lines", () => {
    assert.equal(picture.graph, "features");
    assert.equal(picture.file, featuresGraphPath);
    assert.deepEqual(picture.inputs, [
      { name: "id", line: 7 },
      { name: "limit", line: 8 },
    ]);
  });

  test("each node's kind, call, line and marks", () => {
    assert.deepEqual(node("order"), { name: "order", line: 10, loop: "intake", kind: "function", callText: "fetchOrder", mapped: false, pinned: false, output: false });
    assert.deepEqual([node("twice").kind, node("twice").mapped], ["map", true]);
    assert.deepEqual([node("region").kind, node("region").callText, node("region").mapped, node("region").output], ["subgraph", "geo", false, true]);
    assert.equal(node("big").when, "order.total > limit");
    assert.equal(node("pinned").pinned, true);
    assert.equal(node("report").output, true);
    assert.equal(node("total").loop, "main");
  });

  test("a subgraph called with map is a subgraph call that maps", () => {
    const scored = pictureOf(pictureFiles.reviews).nodes.find((n) => n.name === "scored");
    assert.deepEqual([scored?.kind, scored?.callText, scored?.mapped], ["subgraph", "sentiment", true]);
  });

  test("nodes in the model's topological order", () => {
    const index = (name: string) => picture.nodes.findIndex((n) => n.name === name);
    for (const edge of picture.edges) if (edge.fromKind === "node") assert.ok(index(edge.from) < index(edge.to), `${edge.from} before ${edge.to}`);
  });

  test("one edge per input or node read, optional when only read as REF?, conditionOnly when only the condition reads it", () => {
    const edge = (from: string, to: string) => picture.edges.find((e) => e.from === from && e.to === to);
    assert.deepEqual(edge("id", "order"), { from: "id", fromKind: "input", to: "order", optional: false, conditionOnly: false });
    assert.deepEqual(edge("order", "big"), { from: "order", fromKind: "node", to: "big", optional: false, conditionOnly: false });
    assert.deepEqual(edge("limit", "big"), { from: "limit", fromKind: "input", to: "big", optional: false, conditionOnly: true });
    assert.deepEqual(edge("big", "total"), { from: "big", fromKind: "node", to: "total", optional: true, conditionOnly: false });
    assert.equal(picture.edges.filter((e) => e.to === "report").length, 3);
    assert.equal(edge("pinned", "report")?.optional, false);
  });

  test("the loops, the implicit main one after the declared one", () => {
    assert.deepEqual(picture.loops, [
      { name: "intake", declared: true, nodes: ["order", "twice"] },
      { name: "main", declared: false, nodes: ["region", "big", "pinned", "total", "report"] },
    ]);
  });

  test("a graph without loop statements has only the implicit loop", () => {
    assert.deepEqual(
      pictureOf(pictureFiles.enrich).loops.map((l) => [l.name, l.declared]),
      [["main", false]],
    );
  });
});
