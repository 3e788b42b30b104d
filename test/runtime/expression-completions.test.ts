// Completions for the debugger's expressions, on the text before the cursor: the cases
// the debug console tests (test/debug-adapter/console.test.ts) do not reach.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { completionsAt, MAX_INDEX_COMPLETIONS, type ScopeName } from "../../src/runtime/expression-completions";

const scope: ScopeName[] = [
  { name: "order", value: "a parameter, hidden by the node of the same name", kind: "parameter" },
  { name: "list", value: Array.from({ length: 250 }, (_, i) => ({ id: i })), kind: "input" },
  { name: "order", value: { id: "o-1", "it's": { deep: true }, lines: [{ qty: 2 }], when: new Date(0), byKey: new Map([["a", 1]]) }, kind: "output" },
  { name: "bare", value: Object.assign(Object.create(null) as object, { inner: 1 }), kind: "output" },
];

function labels(before: string): string[] {
  return completionsAt(before, scope).items.map((item) => item.label);
}

describe("expression completions", () => {
  test("a name that two parts of the scope share is offered once, as the later one", () => {
    const items = completionsAt("or", scope).items;
    assert.deepEqual(
      items.map((item) => [item.label, item.kind]),
      [["order", "output"]],
    );
  });

  test("what is after the cursor's chain counts, not an earlier one", () => {
    assert.deepEqual(labels('order["id"] + order.l'), ["lines"]);
    assert.deepEqual(labels("order.lines[0] + list[24"), ["24"], "indices starting with what was typed");
    assert.deepEqual(completionsAt("list[24", scope), { from: 5, length: 2, items: [{ label: "24", kind: "index", value: { id: 24 } }] });
  });

  test("only values that are data are looked into: not a call's result, a parenthesis, a literal, a Map or a Date", () => {
    assert.deepEqual(labels("f()."), []);
    assert.deepEqual(labels("(order)."), []);
    assert.deepEqual(labels('"text".'), []);
    assert.deepEqual(labels("order.byKey."), []);
    assert.deepEqual(labels("order.when."), []);
    assert.deepEqual(labels("bare."), ["inner"], "an object without a prototype is data too");
  });

  test("no names right after a digit or a quote; names anywhere an expression may start", () => {
    assert.deepEqual(labels("1e"), []);
    assert.deepEqual(labels('"o'), []);
    assert.deepEqual(labels("[li"), ["list"]);
    assert.deepEqual(labels("x => ord"), ["order"]);
  });

  test("array indices are offered up to a limit; quoted keys are escaped for their quote", () => {
    assert.equal(labels("list[").length, MAX_INDEX_COMPLETIONS);
    assert.deepEqual(labels("order['it"), ["it\\'s"]);
    assert.deepEqual(labels('order["it'), ["it's"]);
    assert.deepEqual(labels("order['it\\'s']."), ["deep"], "an escaped quote in a key");
    assert.deepEqual(labels('order["lines"][0].'), ["qty"]);
  });
});
