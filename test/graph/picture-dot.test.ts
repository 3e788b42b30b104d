// renderDot: real Graphviz (@viz-js/viz, Graphviz compiled to WebAssembly) reads the DOT of
// each example without a warning, draws it, and finds every input, node, edge and loop.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { instance, type Viz } from "@viz-js/viz";
import type { GraphPicture } from "../../src/graph/picture";
import { renderDot } from "../../src/graph/picture-dot";
import { pictureFiles, pictureOf } from "./picture-helpers";

/** What Graphviz's json output holds of a graph (objects are clusters, then nodes). */
interface GraphvizJson {
  name: string;
  objects: { _gvid: number; name: string; label?: string; nodes?: number[]; shape?: string; peripheries?: string }[];
  edges?: { tail: number; head: number; style?: string }[];
}

let viz: Viz;
before(async () => {
  viz = await instance();
});

function graphviz(dot: string): GraphvizJson {
  const result = viz.render(dot, { format: "json" });
  assert.equal(result.status, "success", JSON.stringify(result.errors));
  assert.deepEqual(result.errors, [], "Graphviz warns about nothing");
  return JSON.parse(result.output) as GraphvizJson;
}

for (const [name, file] of Object.entries(pictureFiles)) {
  describe(`the DOT of ${name}`, () => {
    const picture = pictureOf(file);
    const dot = renderDot(picture);

    test("Graphviz draws it as SVG with every input and node", () => {
      const svg = viz.renderString(dot, { format: "svg" });
      for (const item of [...picture.inputs, ...picture.nodes]) assert.ok(svg.includes(`<title>${item.name}</title>`), `${item.name} is drawn`);
    });

    test("Graphviz reads every input, node and edge, and a cluster per framed loop", () => {
      const json = graphviz(dot);
      assert.equal(json.name, picture.graph);
      const byId = new Map(json.objects.map((o) => [o._gvid, o]));
      const clusters = json.objects.filter((o) => o.name.startsWith("cluster_"));
      const nodes = json.objects.filter((o) => !o.name.startsWith("cluster_"));
      assert.deepEqual(nodes.map((o) => o.name).sort(), [...picture.inputs, ...picture.nodes].map((i) => i.name).sort());
      for (const node of picture.nodes) assert.equal(nodes.find((o) => o.name === node.name)?.label, `${node.name}\\n${node.callText}`);

      const edges = (json.edges ?? []).map((e) => `${byId.get(e.tail)?.name} -> ${byId.get(e.head)?.name}${e.style ? ` ${e.style}` : ""}`);
      assert.deepEqual(edges, picture.edges.map((e) => `${e.from} -> ${e.to}${e.conditionOnly ? " dotted" : e.optional ? " dashed" : ""}`));

      assert.deepEqual(clusters.map((c) => [c.name, c.label]), framedLoopNames(picture).map((loop) => [`cluster_${loop}`, `loop ${loop}`]));
      for (const cluster of clusters) {
        const members = (cluster.nodes ?? []).map((id) => byId.get(id)?.name);
        assert.deepEqual(members, picture.loops.find((l) => `cluster_${l.name}` === cluster.name)?.nodes);
      }
    });
  });
}

function framedLoopNames(picture: GraphPicture): string[] {
  return picture.loops.length === 1 && !picture.loops[0].declared ? [] : picture.loops.map((l) => l.name);
}

describe("DOT marks and quoting", () => {
  test("a map node is a stack, a subgraph call a double border, inputs ellipses", () => {
    const json = graphviz(renderDot(pictureOf(pictureFiles.features)));
    const shape = (name: string) => json.objects.find((o) => o.name === name);
    assert.equal(shape("twice")?.shape, "box3d");
    assert.equal(shape("region")?.peripheries, "2");
    assert.equal(shape("id")?.shape, "ellipse");
  });

  test("a subgraph called with map is both: a stack with a double border", () => {
    const json = graphviz(renderDot(pictureOf(pictureFiles.reviews)));
    const scored = json.objects.find((o) => o.name === "scored");
    assert.deepEqual([scored?.shape, scored?.peripheries], ["box3d", "2"]);
  });

  test("quotes, backslashes and newlines in text stay text", () => {
    const picture: GraphPicture = {
      graph: `g "1"`,
      file: "/x.graph",
      inputs: [],
      // The call: f\, a line break, x\.
      nodes: [{ name: `a"b`, line: 0, loop: "main", kind: "function", callText: "f\\\nx\\", mapped: false, when: `s == "q"`, pinned: false, output: true }],
      edges: [],
      loops: [{ name: "main", declared: false, nodes: [`a"b`] }],
    };
    const json = graphviz(renderDot(picture));
    assert.equal(json.name, `g "1"`);
    assert.deepEqual(json.objects.map((o) => o.name), [`a"b`]);
    // The label as Graphviz keeps it, an escString: \\ a backslash, \n a line break.
    assert.equal(json.objects[0].label, String.raw`a"b\nf\\\nx\\`);
  });
});
