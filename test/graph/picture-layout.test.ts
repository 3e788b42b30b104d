// layoutPicture: elkjs's layout of each example's picture, checked for what a reader needs:
// nothing on top of anything else, every node inside its loop's frame, inputs at the top,
// every edge drawn from its source to its target, and the same result every time.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import ELK from "elkjs/lib/elk.bundled.js";
import type { GraphPicture } from "../../src/graph/picture";
import { frameMinWidth, inputSize, layoutPicture, nodeSize, PICTURE_METRICS, type Box, type PictureLayout } from "../../src/graph/picture-layout";
import { pictureFiles, pictureOf } from "./picture-helpers";

const overlap = (a: Box, b: Box): boolean => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
const inside = (inner: Box, outer: Box): boolean => inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.width <= outer.x + outer.width && inner.y + inner.height <= outer.y + outer.height;
/** Whether `p` lies on the border of `box`, give or take a pixel. */
const onBorder = (p: { x: number; y: number }, box: Box): boolean => {
  const within = (v: number, lo: number, hi: number) => v >= lo - 1 && v <= hi + 1;
  const near = (v: number, edge: number) => Math.abs(v - edge) <= 1;
  return (within(p.x, box.x, box.x + box.width) && (near(p.y, box.y) || near(p.y, box.y + box.height))) || (within(p.y, box.y, box.y + box.height) && (near(p.x, box.x) || near(p.x, box.x + box.width)));
};

function pairs<T>(items: readonly T[]): [T, T][] {
  return items.flatMap((a, i) => items.slice(i + 1).map((b): [T, T] => [a, b]));
}

for (const [name, file] of Object.entries(pictureFiles)) {
  describe(`the layout of ${name}`, async () => {
    const picture: GraphPicture = pictureOf(file);
    const layout: PictureLayout = await layoutPicture(picture);
    const nodeBox = new Map(layout.nodes.map((b) => [b.name, b]));
    const inputBox = new Map(layout.inputs.map((b) => [b.name, b]));
    const frameBox = new Map(layout.loops.map((b) => [b.name, b]));

    test("a box for every input and node, in the picture's order, sized for its text", () => {
      assert.deepEqual(layout.inputs.map((b) => b.name), picture.inputs.map((i) => i.name));
      assert.deepEqual(layout.nodes.map((b) => b.name), picture.nodes.map((n) => n.name));
      for (const node of picture.nodes) assert.deepEqual({ width: nodeBox.get(node.name)?.width, height: nodeBox.get(node.name)?.height }, nodeSize(node));
      for (const input of picture.inputs) assert.deepEqual({ width: inputBox.get(input.name)?.width, height: inputBox.get(input.name)?.height }, inputSize(input.name));
    });

    test("no two boxes overlap, and all lie inside the picture", () => {
      const boxes = [...layout.inputs, ...layout.nodes];
      for (const [a, b] of pairs(boxes)) assert.ok(!overlap(a, b), `${a.name} and ${b.name} overlap`);
      for (const [a, b] of pairs(layout.loops)) assert.ok(!overlap(a, b), `loops ${a.name} and ${b.name} overlap`);
      const picture = { x: 0, y: 0, width: layout.width, height: layout.height };
      for (const box of [...boxes, ...layout.loops]) assert.ok(inside(box, picture), `${box.name} is outside the picture`);
    });

    test("loops are frames around exactly their nodes (none when main is the only loop)", () => {
      const framed = picture.loops.length === 1 && !picture.loops[0].declared ? [] : picture.loops.map((l) => l.name);
      assert.deepEqual(layout.loops.map((l) => l.name), framed);
      for (const node of picture.nodes) {
        const box = nodeBox.get(node.name) as Box;
        for (const frame of layout.loops) {
          if (frame.name === node.loop) assert.ok(inside(box, frame), `${node.name} is outside its loop ${frame.name}`);
          else assert.ok(!overlap(box, frame), `${node.name} overlaps loop ${frame.name}`);
        }
      }
      for (const input of layout.inputs) for (const frame of layout.loops) assert.ok(!overlap(input, frame), `input ${input.name} overlaps loop ${frame.name}`);
    });

    test("inputs are above every node and frame", () => {
      const lowestInput = Math.max(...layout.inputs.map((b) => b.y + b.height));
      for (const box of [...layout.nodes, ...layout.loops]) assert.ok(box.y > lowestInput, `${box.name} is not below the inputs`);
    });

    test("every edge runs from its source's border to its target's border", () => {
      assert.equal(layout.edges.length, picture.edges.length);
      picture.edges.forEach((edge, i) => {
        const laid = layout.edges[i];
        assert.deepEqual([laid.from, laid.fromKind, laid.to], [edge.from, edge.fromKind, edge.to]);
        assert.ok(laid.points.length >= 2, `${edge.from} → ${edge.to} has no route`);
        const source = (edge.fromKind === "input" ? inputBox : nodeBox).get(edge.from) as Box;
        assert.ok(onBorder(laid.points[0], source), `${edge.from} → ${edge.to} starts off ${edge.from}: ${JSON.stringify(laid.points[0])}`);
        assert.ok(onBorder(laid.points[laid.points.length - 1], nodeBox.get(edge.to) as Box), `${edge.from} → ${edge.to} ends off ${edge.to}`);
      });
    });

    test("the same picture lays out the same, with the default elk and with a fresh one", async () => {
      assert.deepEqual(await layoutPicture(picture), layout);
      assert.deepEqual(await layoutPicture(pictureOf(file), new ELK()), layout);
    });

    if (frameBox.size > 0) {
      test("a frame has room above its nodes for its name and, on the line below, its stats", () => {
        // The stats' baseline, and their descent (11px text) below it.
        const header = PICTURE_METRICS.loopStatsBaseline + 4;
        assert.ok(PICTURE_METRICS.loopStatsBaseline - PICTURE_METRICS.loopNameBaseline >= 13, "the stats are a line of their own");
        for (const frame of layout.loops) {
          const top = Math.min(frame.y + frame.height, ...layout.nodes.filter((b) => picture.nodes.find((n) => n.name === b.name)?.loop === frame.name).map((b) => b.y));
          assert.ok(top - frame.y >= header, `loop ${frame.name}'s first node is ${top - frame.y}px below its top`);
        }
      });

      test("a frame is wide enough for its name and a line of stats, and no taller than its header and nodes", () => {
        const m = PICTURE_METRICS;
        for (const frame of layout.loops) {
          assert.ok(frame.width >= frameMinWidth(frame.name), `loop ${frame.name} is ${frame.width}px wide`);
          assert.ok(frameMinWidth(frame.name) >= m.loopStatsRoom.length * m.loopStatsCharWidth + 2 * m.frameTextInset);
          const nodes = layout.nodes.filter((b) => picture.nodes.find((n) => n.name === b.name)?.loop === frame.name);
          const lowest = Math.max(frame.y + m.frameTop, ...nodes.map((b) => b.y + b.height));
          assert.equal(frame.y + frame.height, lowest + m.framePadding, `loop ${frame.name}'s bottom`);
        }
      });
    }
  });
}
