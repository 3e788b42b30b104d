// The `when` evaluator: Stepgraph's own semantics (deep JSON equality, comparisons of
// numbers with numbers and strings with strings only, a missing property is null, the
// truthiness of false/null/0/""), over conditions parsed from graph text.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ConditionExpr, NodeStatement } from "../../src/graph/ast";
import { conditionReferences, conditionText, deepEqual, evaluateCondition, isTrue } from "../../src/graph/condition";
import { parse } from "../../src/graph/parser";

function parsed(text: string): ConditionExpr {
  const { file, diagnostics } = parse(`graph g\nnode n = f() when ${text}\n`);
  assert.deepEqual(diagnostics, [], text);
  return (file.statements[1] as NodeStatement).when?.condition as ConditionExpr;
}

function holds(text: string, values: Record<string, unknown> = {}): boolean {
  return evaluateCondition(parsed(text), (name) => values[name]);
}

describe("evaluating conditions", () => {
  const order = { total: 150, flagged: false, lines: [{ sku: "a" }, { sku: "b" }], customer: { country: "DE" }, note: "" };

  test("the spec's example: order.total > 100 and not order.flagged", () => {
    assert.equal(holds("order.total > 100 and not order.flagged", { order }), true);
    assert.equal(holds("order.total > 100 and not order.flagged", { order: { ...order, flagged: true } }), false);
    assert.equal(holds("order.total > 100 and not order.flagged", { order: { ...order, total: 100 } }), false);
  });
  test("truthiness: false, null, 0 and \"\" are false; anything else is true", () => {
    for (const value of [false, null, 0, -0, "", undefined]) assert.equal(holds("x", { x: value }), false, String(value));
    for (const value of [true, 1, -1, "no", [], {}, Number.NaN]) assert.equal(holds("x", { x: value }), true, String(value));
    assert.equal(isTrue(undefined), false);
  });
  test("a missing property, and a path into nothing, is null", () => {
    assert.equal(holds("order.missing == null", { order }), true);
    assert.equal(holds("order.missing.deeper == null", { order }), true);
    assert.equal(holds("order.missing", { order }), false);
    assert.equal(holds("x.y == null", {}), true);
  });
  test("paths follow indexes, length, and Map keys, never the prototype", () => {
    assert.equal(holds('order.lines.1.sku == "b"', { order }), true);
    assert.equal(holds("order.lines.length == 2", { order }), true);
    assert.equal(holds('m.k == "v"', { m: new Map([["k", "v"]]) }), true);
    assert.equal(holds("order.constructor == null", { order }), true);
  });
  test("== and != compare JSON values deeply, keys in any order", () => {
    assert.equal(holds('order.customer == {"country": "DE"}', { order }), true);
    assert.equal(holds('x == {"a": [1, {"b": null}], "c": "d"}', { x: { c: "d", a: [1, { b: null }] } }), true);
    assert.equal(holds("x == [1, 2]", { x: [2, 1] }), false);
    assert.equal(holds('x != {"a": 1}', { x: { a: 1, b: 2 } }), true);
    assert.equal(holds("x == 1", { x: "1" }), false, "no conversions");
    assert.equal(holds("x == null", { x: undefined }), true, "undefined is null");
  });
  test("ordering compares numbers with numbers and strings with strings only", () => {
    assert.equal(holds("x < 2", { x: 1 }), true);
    assert.equal(holds("x <= 1 and x >= 1", { x: 1 }), true);
    assert.equal(holds('x > "a"', { x: "b" }), true);
    assert.equal(holds('x < "10"', { x: 9 }), false, "number with string");
    assert.equal(holds('x >= "10"', { x: 9 }), false, "and the other way too");
    assert.equal(holds("x < 1", { x: null }), false);
    assert.equal(holds("x > 1", { x: true }), false);
    assert.equal(holds("x < [2]", { x: [1] }), false);
  });
  test("and, or, not give true or false", () => {
    assert.equal(holds("(x or y) == true", { x: 5, y: 0 }), true);
    assert.equal(holds("not x", { x: "" }), true);
    assert.equal(holds("x and y", { x: 1, y: "s" }), true);
    assert.equal(holds("x or y", { x: 0, y: null }), false);
  });
  test("dates compare by time; other values beyond JSON only equal themselves", () => {
    const date = new Date(1_000);
    assert.equal(deepEqual(date, new Date(1_000)), true);
    assert.equal(deepEqual(new Map([["a", 1]]), new Map([["b", 2]])), false);
    const set = new Set([1]);
    assert.equal(deepEqual(set, set), true);
  });
  test("the evaluator reads only the names the condition references", () => {
    const read: string[] = [];
    evaluateCondition(parsed("a.x > 1 or (b and not c?)"), (name) => {
      read.push(name);
      return undefined;
    });
    assert.deepEqual(read, ["a", "b"], "or and and stop early");
    assert.deepEqual(conditionReferences(parsed("a.x > 1 or (b and not c?)")).map((r) => r.root.text), ["a", "b", "c"]);
  });
});

describe("condition text", () => {
  test("parentheses only where precedence needs them", () => {
    assert.equal(conditionText(parsed("(a > 1) and (not b)")), "a > 1 and not b");
    assert.equal(conditionText(parsed("(a or b) and c?")), "(a or b) and c?");
    assert.equal(conditionText(parsed("not (a and b)")), "not (a and b)");
    assert.equal(conditionText(parsed('(x == 1) == ("s" < y.z)')), '(x == 1) == ("s" < y.z)');
    assert.equal(conditionText(parsed('x == {"a": [1, null]}')), 'x == {"a":[1,null]}');
  });
});
