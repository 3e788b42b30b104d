// renderMermaid: a flowchart that names every input and node (each loop a subgraph around
// its nodes) and draws every edge, read back line by line.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { GraphPicture } from "../../src/graph/picture";
import { renderMermaid } from "../../src/graph/picture-mermaid";
import { pictureFiles, pictureOf } from "./picture-helpers";

interface Flowchart {
  header: string;
  /** Shape id → its label (entity codes decoded, <br/> as a line break) and the subgraph it is in. */
  shapes: Map<string, { label: string; open: string; within?: string }>;
  subgraphs: Map<string, string>;
  edges: string[];
  classes: Map<string, string[]>;
}

const SHAPE = /^(\w+)(\(\[|\[\[|\[)"([^"]*)"(\]\)|\]\]|\])$/;
const EDGE = /^(\w+) (-->|-\.->|-\. when \.->) (\w+)$/;
const SUBGRAPH = /^subgraph (\w+)\["([^"]*)"\]$/;

function decode(label: string): string {
  return label.replace(/<br\/>/g, "\n").replace(/#quot;/g, '"').replace(/#lt;/g, "<").replace(/#gt;/g, ">").replace(/#amp;/g, "&");
}

function readFlowchart(text: string): Flowchart {
  const [header, ...rest] = text.trimEnd().split("\n");
  const chart: Flowchart = { header, shapes: new Map(), subgraphs: new Map(), edges: [], classes: new Map() };
  let within: string | undefined;
  for (const raw of rest) {
    const line = raw.trim();
    let m: RegExpMatchArray | null;
    if ((m = SUBGRAPH.exec(line))) {
      assert.equal(within, undefined, "subgraphs do not nest");
      within = m[1];
      chart.subgraphs.set(m[1], decode(m[2]));
    } else if (line === "end") {
      assert.notEqual(within, undefined, "an end closes a subgraph");
      within = undefined;
    } else if ((m = SHAPE.exec(line))) {
      assert.ok(!chart.shapes.has(m[1]), `${m[1]} is defined once`);
      chart.shapes.set(m[1], { label: decode(m[3]), open: m[2], ...(within ? { within } : {}) });
    } else if ((m = EDGE.exec(line))) {
      chart.edges.push(`${m[1]} ${m[2]} ${m[3]}`);
    } else if ((m = /^class ([\w,]+) (\w+)$/.exec(line))) {
      chart.classes.set(m[2], m[1].split(","));
    } else {
      assert.match(line, /^classDef \w+ [\w:#.-]+$/, `a line Mermaid reads: ${line}`);
    }
  }
  assert.equal(within, undefined, "every subgraph is closed");
  return chart;
}

for (const [name, file] of Object.entries(pictureFiles)) {
  describe(`the Mermaid of ${name}`, () => {
    const picture = pictureOf(file);
    const chart = readFlowchart(renderMermaid(picture));

    test("a top-down flowchart naming every input and node, each in its loop's subgraph", () => {
      assert.equal(chart.header, "flowchart TD");
      for (const input of picture.inputs) assert.deepEqual(chart.shapes.get(`i_${input.name}`), { label: input.name, open: "([" });
      const framed = !(picture.loops.length === 1 && !picture.loops[0].declared);
      assert.deepEqual([...chart.subgraphs], framed ? picture.loops.map((l) => [`l_${l.name}`, `loop ${l.name}`]) : []);
      for (const node of picture.nodes) {
        const shape = chart.shapes.get(`n_${node.name}`);
        assert.ok(shape, `${node.name} is drawn`);
        assert.equal(shape.label, `${node.name}\n${node.callText}${node.mapped ? " (map)" : ""}`);
        assert.equal(shape.open, node.kind === "subgraph" ? "[[" : "[");
        assert.equal(shape.within, framed ? `l_${node.loop}` : undefined);
      }
      assert.equal(chart.shapes.size, picture.inputs.length + picture.nodes.length);
    });

    test("every edge, dotted when optional, labelled when only the condition reads it", () => {
      const expected = picture.edges.map((e) => `${e.fromKind === "input" ? "i" : "n"}_${e.from} ${e.conditionOnly ? "-. when .->" : e.optional ? "-.->" : "-->"} n_${e.to}`);
      assert.deepEqual(chart.edges, expected);
    });

    test("outputs and pinned nodes are classed", () => {
      assert.deepEqual(chart.classes.get("output") ?? [], picture.nodes.filter((n) => n.output).map((n) => `n_${n.name}`));
      assert.deepEqual(chart.classes.get("pinned") ?? [], picture.nodes.filter((n) => n.pinned).map((n) => `n_${n.name}`));
    });
  });
}

test("a subgraph called with map is a subroutine box that says (map)", () => {
  const chart = readFlowchart(renderMermaid(pictureOf(pictureFiles.reviews)));
  assert.deepEqual(chart.shapes.get("n_scored"), { label: "scored\nsentiment (map)", open: "[[" });
});

describe("Mermaid ids and labels", () => {
  const picture: GraphPicture = {
    graph: "g",
    file: "/x.graph",
    inputs: [{ name: "subgraph", line: 0 }],
    nodes: [{ name: "end", line: 1, loop: "graph", kind: "function", callText: `f<"x">&y`, mapped: false, pinned: false, output: false }],
    edges: [{ from: "subgraph", fromKind: "input", to: "end", optional: false, conditionOnly: false }],
    loops: [{ name: "graph", declared: true, nodes: ["end"] }],
  };
  const text = renderMermaid(picture);
  const chart = readFlowchart(text);

  test("names Mermaid reads as keywords are prefixed ids", () => {
    assert.deepEqual([...chart.shapes.keys()], ["i_subgraph", "n_end"]);
    assert.deepEqual(chart.edges, ["i_subgraph --> n_end"]);
  });

  test("quotes and angle brackets are entity codes, and read back as written", () => {
    assert.doesNotMatch(text.split("\n").find((l) => l.includes("n_end[")) ?? "", /"x"|<"|&y/);
    assert.equal(chart.shapes.get("n_end")?.label, `end\nf<"x">&y`);
  });
});
