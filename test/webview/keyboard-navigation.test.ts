// Arrow keys move between nodes by where they are drawn.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { neighbour } from "../../src/webview/keyboard-navigation";

//        a
//    b       c
//        d
const box = (name: string, x: number, y: number) => ({ name, x, y, width: 100, height: 60 });
const nodes = [box("a", 100, 0), box("b", 0, 100), box("c", 200, 100), box("d", 100, 200)];

describe("neighbour", () => {
  test("down, up, left and right to the nearest node that way", () => {
    assert.equal(neighbour(nodes, "b", "right"), "c");
    assert.equal(neighbour(nodes, "c", "left"), "b");
    assert.equal(neighbour(nodes, "b", "down"), "d");
    assert.equal(neighbour(nodes, "c", "up"), "a");
  });

  test("the nearest that way, a step sideways counting double", () => {
    const column = [box("top", 0, 0), box("below", 0, 300), box("aside", 60, 120)];
    assert.equal(neighbour(column, "top", "down"), "aside");
    const far = [box("top", 0, 0), box("below", 0, 200), box("aside", 400, 120)];
    assert.equal(neighbour(far, "top", "down"), "below");
  });

  test("nothing that way: none; an unknown node: the first", () => {
    assert.equal(neighbour(nodes, "a", "up"), undefined);
    assert.equal(neighbour(nodes, "d", "down"), undefined);
    assert.equal(neighbour(nodes, "gone", "down"), "a");
  });
});
