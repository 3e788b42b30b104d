// `when` conditions: their references, their text, and their evaluation. Stepgraph
// evaluates a condition itself, never as JavaScript: `==` and `!=` compare deeply, `<`
// `<=` `>` `>=` compare numbers with numbers and strings with strings only (anything else
// is false), a path that leads nowhere is `null`, and `and` `or` `not` give true or false.
import type { Argument, ConditionExpr, NodeStatement, RefExpr } from "./ast";
import { valueAtPath } from "./value-path";

/** The references a node statement writes, in its arguments and then its condition, in the order written. */
export function statementReferences(node: Pick<NodeStatement, "call" | "when">): RefExpr[] {
  const args = (node.call?.args ?? []).filter((arg): arg is Argument & RefExpr => arg.kind === "ref");
  return node.when ? [...args, ...conditionReferences(node.when.condition)] : args;
}

/** The references of a condition, in the order they are written. */
export function conditionReferences(condition: ConditionExpr): RefExpr[] {
  switch (condition.kind) {
    case "ref":
      return [condition];
    case "literal":
      return [];
    case "not":
      return conditionReferences(condition.operand);
    default:
      return [...conditionReferences(condition.left), ...conditionReferences(condition.right)];
  }
}

/** The condition as the formatter would write it, with parentheses only where precedence needs them. */
export function conditionText(condition: ConditionExpr): string {
  switch (condition.kind) {
    case "ref":
      return `${[condition.root.text, ...condition.path].join(".")}${condition.optional ? "?" : ""}`;
    case "literal":
      return JSON.stringify(condition.value);
    case "compare":
      return `${operandText(condition.left, "compare")} ${condition.operator} ${operandText(condition.right, "compare")}`;
    case "not":
      return `not ${operandText(condition.operand, "not")}`;
    default:
      return `${operandText(condition.left, condition.kind)} ${condition.kind} ${operandText(condition.right, condition.kind)}`;
  }
}

/** Tightest first; a looser operand inside a tighter operator needs parentheses. */
const PRECEDENCE: Readonly<Record<ConditionExpr["kind"], number>> = { ref: 5, literal: 5, compare: 4, not: 3, and: 2, or: 1 };

function operandText(operand: ConditionExpr, parent: ConditionExpr["kind"]): string {
  const text = conditionText(operand);
  // Both sides of a comparison need parentheses around another comparison, as they do not chain.
  const needs = PRECEDENCE[operand.kind] < PRECEDENCE[parent] || (parent === "compare" && operand.kind === "compare");
  return needs ? `(${text})` : text;
}

/**
 * The value of a condition. `valueOf` gives the value of an input or node by name
 * (`undefined` for a skipped node reached through `REF?`, which reads as `null`).
 */
function conditionValue(condition: ConditionExpr, valueOf: (name: string) => unknown): unknown {
  switch (condition.kind) {
    case "ref":
      return valueAtPath(valueOf(condition.root.text), condition.path) ?? null;
    case "literal":
      return condition.value;
    case "not":
      return !isTrue(conditionValue(condition.operand, valueOf));
    case "and":
      return isTrue(conditionValue(condition.left, valueOf)) && isTrue(conditionValue(condition.right, valueOf));
    case "or":
      return isTrue(conditionValue(condition.left, valueOf)) || isTrue(conditionValue(condition.right, valueOf));
    case "compare":
      return compare(condition.operator, conditionValue(condition.left, valueOf), conditionValue(condition.right, valueOf));
  }
}

/** Whether the condition holds: its value is neither false, null, 0 nor "". */
export function evaluateCondition(condition: ConditionExpr, valueOf: (name: string) => unknown): boolean {
  return isTrue(conditionValue(condition, valueOf));
}

/** A condition is true unless its value is `false`, `null` (or undefined), `0` or `""`. */
export function isTrue(value: unknown): boolean {
  return !(value === false || value === null || value === undefined || value === 0 || value === "");
}

function compare(operator: string, left: unknown, right: unknown): boolean {
  switch (operator) {
    case "==":
      return deepEqual(left, right);
    case "!=":
      return !deepEqual(left, right);
  }
  const comparable = (typeof left === "number" && typeof right === "number") || (typeof left === "string" && typeof right === "string");
  if (!comparable) return false;
  const [a, b] = [left as number | string, right as number | string];
  switch (operator) {
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    case ">":
      return a > b;
    default:
      return a >= b;
  }
}

/**
 * JSON equality: same primitive, or arrays of equal items in order, or plain objects with
 * the same keys and equal values (in any order). `undefined` counts as `null`, and an
 * object property holding `undefined` as absent, as in JSON. A Date equals a Date of the
 * same time.
 */
export function deepEqual(a: unknown, b: unknown): boolean {
  const left = a ?? null;
  const right = b ?? null;
  if (left === right) return true;
  if (typeof left !== "object" || typeof right !== "object" || left === null || right === null) return false;
  if (Array.isArray(left) || Array.isArray(right)) {
    return Array.isArray(left) && Array.isArray(right) && left.length === right.length && left.every((item, i) => deepEqual(item, right[i]));
  }
  if (left instanceof Date || right instanceof Date) return left instanceof Date && right instanceof Date && left.getTime() === right.getTime();
  // Beyond JSON (Map, Set, bytes, class instances) a value equals only itself.
  if (!isPlainObject(left) || !isPlainObject(right)) return false;
  const keysOf = (o: object) => Object.keys(o).filter((k) => (o as Record<string, unknown>)[k] !== undefined);
  const [leftKeys, rightKeys] = [keysOf(left), keysOf(right)];
  return (
    leftKeys.length === rightKeys.length &&
    leftKeys.every((k) => Object.hasOwn(right, k) && deepEqual((left as Record<string, unknown>)[k], (right as Record<string, unknown>)[k]))
  );
}

function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}
