// renderSvg: the SVG of each example parses as XML, names every input and node, draws
// every edge and each loop as a frame, and carries the hooks the graph view writes into.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { GraphPicture } from "../../src/graph/picture";
import { layoutPicture } from "../../src/graph/picture-layout";
import { kindWords, renderSvg } from "../../src/graph/picture-svg";
import { classesOf, findAll, hasClass, parseXml, pictureFiles, pictureOf, type XmlElement } from "./picture-helpers";

const child = (e: XmlElement, tag: string, className?: string): XmlElement => {
  const found = e.children.filter((c) => c.tag === tag && (className === undefined || classesOf(c).includes(className)));
  assert.equal(found.length, 1, `one <${tag}${className ? ` class="${className}"` : ""}> in ${JSON.stringify(e.attributes)}`);
  return found[0];
};

for (const [name, file] of Object.entries(pictureFiles)) {
  describe(`the SVG of ${name}`, async () => {
    const picture = pictureOf(file);
    const layout = await layoutPicture(picture);
    const svg = parseXml(renderSvg(picture, layout, { standalone: true }));

    test("is an svg element of the layout's size", () => {
      assert.equal(svg.tag, "svg");
      assert.equal(svg.attributes.xmlns, "http://www.w3.org/2000/svg");
      assert.equal(svg.attributes.viewBox, `0 0 ${Math.ceil(layout.width)} ${Math.ceil(layout.height)}`);
    });

    test("every node is a focusable button with its name, call, title and an empty state", () => {
      const groups = findAll(svg, hasClass("sg-node"));
      assert.deepEqual(groups.map((g) => g.attributes["data-node"]), picture.nodes.map((n) => n.name));
      for (const node of picture.nodes) {
        const g = groups.find((e) => e.attributes["data-node"] === node.name) as XmlElement;
        assert.equal(g.tag, "g");
        assert.equal(g.attributes["data-line"], String(node.line));
        assert.equal(g.attributes.tabindex, "0");
        assert.equal(g.attributes.role, "button");
        assert.ok(g.attributes["aria-label"].startsWith(`${node.name}, ${kindWords(node)} ${node.callText}`), g.attributes["aria-label"]);
        const classes = classesOf(g);
        assert.ok(classes.includes(`sg-kind-${node.kind}`));
        assert.equal(classes.includes("sg-mapped"), node.mapped, `${node.name} sg-mapped`);
        // A node that maps is a stack; a subgraph call has an inner border; one that maps has both.
        assert.equal(findAll(g, hasClass("sg-stack")).length, node.mapped ? 1 : 0, `${node.name} sg-stack`);
        assert.equal(findAll(g, hasClass("sg-inner")).length, node.kind === "subgraph" ? 1 : 0, `${node.name} sg-inner`);
        assert.equal(classes.includes("sg-pinned"), node.pinned, `${node.name} sg-pinned`);
        assert.equal(classes.includes("sg-output"), node.output, `${node.name} sg-output`);
        assert.equal(classes.includes("sg-when"), node.when !== undefined, `${node.name} sg-when`);
        child(g, "rect", "sg-box");
        assert.equal(child(g, "text", "sg-name").text, node.name);
        assert.equal(child(g, "text", "sg-call").text, node.callText);
        const state = child(g, "text", "sg-state");
        assert.deepEqual([state.text, state.children], ["", []]);
        const title = child(g, "title").text;
        assert.ok(title.includes(node.name) && title.includes(node.callText), title);
        if (node.when !== undefined) assert.ok(title.includes(`when ${node.when}`), title);
      }
    });

    test("every input is drawn with its name and line", () => {
      const groups = findAll(svg, hasClass("sg-input"));
      assert.deepEqual(
        groups.map((g) => [g.attributes["data-input"], g.attributes["data-line"]]),
        picture.inputs.map((i) => [i.name, String(i.line)]),
      );
      for (const g of groups) assert.equal(findAll(g, (e) => e.tag === "text").map((t) => t.text).join(""), g.attributes["data-input"]);
    });

    test("every edge is a path from its source to its target, with an arrow", () => {
      const paths = findAll(svg, hasClass("sg-edge"));
      assert.deepEqual(
        paths.map((p) => [p.tag, p.attributes["data-from"], p.attributes["data-to"]]),
        picture.edges.map((e) => ["path", e.from, e.to]),
      );
      picture.edges.forEach((edge, i) => {
        const classes = classesOf(paths[i]);
        assert.equal(classes.includes("sg-optional"), edge.optional);
        assert.equal(classes.includes("sg-condition"), edge.conditionOnly);
        assert.match(paths[i].attributes.d, /^M[\d.]+,[\d.]+( L[\d.]+,[\d.]+)+$/);
        assert.equal(paths[i].attributes["marker-end"], "url(#sg-arrow)");
      });
      assert.equal(findAll(svg, (e) => e.tag === "marker" && e.attributes.id === "sg-arrow").length, 1);
    });

    test("each framed loop is a frame with its name and empty stats", () => {
      const groups = findAll(svg, hasClass("sg-loop"));
      assert.deepEqual(groups.map((g) => g.attributes["data-loop"]), layout.loops.map((l) => l.name));
      if (picture.loops.some((l) => l.declared)) assert.equal(groups.length, picture.loops.length);
      for (const g of groups) {
        child(g, "rect", "sg-frame");
        assert.match(child(g, "text", "sg-loop-name").text, new RegExp(`\\b${g.attributes["data-loop"]}$`));
        const stats = child(g, "text", "sg-loop-stats");
        assert.deepEqual([stats.text, stats.children], ["", []]);
      }
    });

    test("a loop's stats are a line of their own under its name, starting where it starts, above its nodes", () => {
      for (const g of findAll(svg, hasClass("sg-loop"))) {
        const loop = g.attributes["data-loop"];
        const frame = child(g, "rect", "sg-frame").attributes;
        const name = child(g, "text", "sg-loop-name").attributes;
        const stats = child(g, "text", "sg-loop-stats").attributes;
        assert.equal(stats.x, name.x, `loop ${loop}`);
        assert.equal(stats["text-anchor"], undefined, `loop ${loop}: the stats run right from the frame's left, as the name does`);
        assert.ok(Number(stats.y) - Number(name.y) >= 13, `loop ${loop}: stats at ${stats.y}, name at ${name.y}`);
        const nodeTops = layout.nodes.filter((b) => picture.nodes.find((n) => n.name === b.name)?.loop === loop).map((b) => b.y);
        const bottom = Math.min(Number(frame.y) + Number(frame.height), ...nodeTops);
        assert.ok(Number(stats.y) + 4 <= bottom, `loop ${loop}: stats at ${stats.y}, its first node at ${bottom}`);
      }
    });
  });
}

describe("a subgraph called with map", async () => {
  const picture = pictureOf(pictureFiles.reviews);
  const svg = parseXml(renderSvg(picture, await layoutPicture(picture), { standalone: true }));
  const scored = findAll(svg, (e) => e.attributes["data-node"] === "scored")[0];

  test("is marked as both: its classes, the stack and the double border, its label", () => {
    assert.deepEqual(classesOf(scored), ["sg-node", "sg-kind-subgraph", "sg-mapped"]);
    assert.deepEqual(findAll(scored, hasClass("sg-mark")).map((e) => classesOf(e).join(" ")), ["sg-mark sg-stack", "sg-mark sg-inner"]);
    assert.equal(scored.attributes["aria-label"], "scored, map subgraph sentiment");
  });
});

describe("standalone or themed", async () => {
  const picture = pictureOf(pictureFiles.features);
  const layout = await layoutPicture(picture);
  const colour = /#[0-9a-f]{3,8}\b|rgb\(|hsl\(|\b(fill|stroke)="(?!none"|currentColor")/i;

  test("standalone embeds a style with fixed colours", () => {
    const svg = parseXml(renderSvg(picture, layout, { standalone: true }));
    const style = child(svg, "style").text;
    assert.match(style, /\.sg-box\{[^}]*fill:#/);
    assert.match(style, /\.sg-edge\{[^}]*stroke:#/);
  });

  test("for the webview there is no style and no colour at all", () => {
    const text = renderSvg(picture, layout, { standalone: false });
    assert.equal(findAll(parseXml(text), (e) => e.tag === "style").length, 0);
    assert.doesNotMatch(text, colour);
    assert.doesNotMatch(text, /style=/);
  });

  test("the same picture and layout give the same text", () => {
    assert.equal(renderSvg(picture, layout, { standalone: false }), renderSvg(structuredClone(picture), structuredClone(layout), { standalone: false }));
  });
});

describe("text is escaped", async () => {
  // Names cannot hold these characters, but a condition or a hand-made picture can.
  const odd = `a<b & "c" 'd' > e\u0001`;
  const picture: GraphPicture = {
    graph: "g&<",
    file: "/x.graph",
    inputs: [{ name: `in"<`, line: 1 }],
    nodes: [{ name: "n&", line: 2, loop: `l<"`, kind: "function", callText: odd, mapped: false, when: odd, pinned: true, output: true }],
    edges: [{ from: `in"<`, fromKind: "input", to: "n&", optional: false, conditionOnly: false }],
    loops: [{ name: `l<"`, declared: true, nodes: ["n&"] }],
  };
  const layout = await layoutPicture(picture);
  const svg = parseXml(renderSvg(picture, layout, { standalone: true }));

  test("names, calls and conditions come back as written, characters XML cannot hold replaced", () => {
    const node = findAll(svg, hasClass("sg-node"))[0];
    assert.equal(node.attributes["data-node"], "n&");
    assert.equal(child(node, "text", "sg-call").text, `a<b & "c" 'd' > e\uFFFD`);
    assert.ok(node.attributes["aria-label"].includes(`when a<b & "c" 'd' > e\uFFFD`));
    assert.equal(findAll(svg, hasClass("sg-input"))[0].attributes["data-input"], `in"<`);
    assert.equal(findAll(svg, hasClass("sg-loop"))[0].attributes["data-loop"], `l<"`);
    assert.deepEqual([findAll(svg, hasClass("sg-edge"))[0].attributes["data-from"], findAll(svg, hasClass("sg-edge"))[0].attributes["data-to"]], [`in"<`, "n&"]);
    assert.equal(child(svg, "title").text, "graph g&<");
  });
});
