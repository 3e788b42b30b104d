// parseCondition: a condition on its own (capture --where), by the parser of `when`.
import assert from "node:assert/strict";
import { test } from "node:test";
import { conditionText, evaluateCondition } from "../../src/graph/condition";
import { parseCondition } from "../../src/graph/parser";

test("parseCondition reads what `when` reads, and the evaluator gives its truth", () => {
  const { condition, diagnostics } = parseCondition("order.total > 100 and not (order.flagged or order.id == \"x\")");
  assert.deepEqual(diagnostics, []);
  assert.ok(condition);
  assert.equal(conditionText(condition), 'order.total > 100 and not (order.flagged or order.id == "x")');
  const values = (order: unknown) => (name: string) => (name === "order" ? order : undefined);
  assert.equal(evaluateCondition(condition, values({ total: 150, flagged: false, id: "y" })), true);
  assert.equal(evaluateCondition(condition, values({ total: 150, flagged: true, id: "y" })), false);
  assert.equal(evaluateCondition(condition, values({ total: 50 })), false);
});

test("parseCondition refuses a syntax error, nothing, and anything after the condition, with the column", () => {
  for (const [text, message] of [
    ["a >", /expected a name, a JSON value or '\(' in the condition/],
    ["", /expected a condition, found nothing/],
    ["a > 1 b", /expected the end of the condition, found/],
    ["a < b < c", /comparisons do not chain/],
  ] as const) {
    const parsed = parseCondition(text);
    assert.equal(parsed.condition, undefined, text);
    assert.match(parsed.diagnostics[0]?.message ?? "", message, text);
  }
  assert.equal(parseCondition("a > 1 b").diagnostics[0].range.start.character, 6);
});
