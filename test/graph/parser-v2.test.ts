// Version 2's syntax in the parser: map, REF?, when conditions (with their precedence),
// use graph, named arguments and pin; and each syntax error at its place, with the rest of
// the file still parsed.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ConditionExpr, NodeStatement } from "../../src/graph/ast";
import { parse } from "../../src/graph/parser";

function errors(text: string): string[] {
  const sorted = [...parse(text).diagnostics].sort((a, b) => a.range.startOffset - b.range.startOffset);
  return sorted.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.message}`);
}

function node(line: string): NodeStatement {
  const { file, diagnostics } = parse(`graph g\n${line}\n`);
  assert.deepEqual(diagnostics, []);
  return file.statements[1] as NodeStatement;
}

/** A condition as nested lists: `["and", left, right]`, references as `name.path?`, literals as JSON. */
function shape(c: ConditionExpr): unknown {
  switch (c.kind) {
    case "ref":
      return `${[c.root.text, ...c.path].join(".")}${c.optional ? "?" : ""}`;
    case "literal":
      return c.value;
    case "not":
      return ["not", shape(c.operand)];
    case "compare":
      return [c.operator, shape(c.left), shape(c.right)];
    default:
      return [c.kind, shape(c.left), shape(c.right)];
  }
}

function condition(text: string): unknown {
  const when = node(`node a = f(x) when ${text}`).when;
  assert.ok(when);
  return shape(when.condition);
}

describe("v2 arguments", () => {
  test("map REF, REF? and literals side by side", () => {
    const args = node("node a = f(map items, order.lines?, 3, map x.y)").call?.args ?? [];
    assert.deepEqual(
      args.map((a) => [a.map !== undefined, a.kind === "ref" ? [a.root.text, ...a.path] : a.value, a.kind === "ref" && a.optional !== undefined]),
      [
        [true, ["items"], false],
        [false, ["order", "lines"], true],
        [false, 3, false],
        [true, ["x", "y"], false],
      ],
    );
  });
  test("the ranges: the argument's range is its expression, with the '?'", () => {
    const text = "graph g\nnode a = f(map items?)";
    const arg = (parse(text).file.statements[1] as NodeStatement).call?.args[0];
    assert.ok(arg?.map && arg.kind === "ref" && arg.optional);
    assert.equal(text.slice(arg.map.startOffset, arg.map.endOffset), "map");
    assert.equal(text.slice(arg.range.startOffset, arg.range.endOffset), "items?");
  });
  test("named arguments, one of them mapped", () => {
    const args = node('node p = geo(address: map addresses, country: "DE",)').call?.args ?? [];
    assert.deepEqual(args.map((a) => a.label?.text), ["address", "country"]);
    assert.ok(args[0].map);
  });
  test("map may be a property name after '.'", () => {
    assert.deepEqual(node("node a = f(x.map, y.when)").call?.args.map((a) => a.kind === "ref" && a.path), [["map"], ["when"]]);
  });
});

describe("when conditions", () => {
  test("precedence, tightest first: comparisons, not, and, or", () => {
    assert.deepEqual(condition("a > 1 and not b"), ["and", [">", "a", 1], ["not", "b"]]);
    assert.deepEqual(condition("a or b and c"), ["or", "a", ["and", "b", "c"]]);
    assert.deepEqual(condition("not a == b"), ["not", ["==", "a", "b"]]);
    assert.deepEqual(condition("a and b or c and d"), ["or", ["and", "a", "b"], ["and", "c", "d"]]);
  });
  test("parentheses group", () => {
    assert.deepEqual(condition("(a or b) and c"), ["and", ["or", "a", "b"], "c"]);
    assert.deepEqual(condition("not (a or b)"), ["not", ["or", "a", "b"]]);
  });
  test("every comparison operator, JSON literals, paths and ?", () => {
    assert.deepEqual(condition('a.b.0 == "x" or c != null or d < 1.5 or e <= -2 or f > [1] or g >= {"k": true} or h?'), [
      "or",
      ["or", ["or", ["or", ["or", ["or", ["==", "a.b.0", "x"], ["!=", "c", null]], ["<", "d", 1.5]], ["<=", "e", -2]], [">", "f", [1]]], [">=", "g", { k: true }]],
      "h?",
    ]);
  });
  test("when comes after the call and before the options", () => {
    const statement = node("node a = f(x) when x [retry: 2]");
    assert.deepEqual(statement.options.map((o) => o.key.text), ["retry"]);
    assert.deepEqual(shape(statement.when?.condition as ConditionExpr), "x");
  });
  test("a condition may span lines inside parentheses", () => {
    const { file, diagnostics } = parse("graph g\nnode a = f(x) when (x and\n  y)\n");
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(shape((file.statements[1] as NodeStatement).when?.condition as ConditionExpr), ["and", "x", "y"]);
  });
});

describe("use graph", () => {
  test("with and without alias", () => {
    const { file, diagnostics } = parse('graph g\nuse graph "./geo.graph" as geo\nuse graph "./x.graph"\n');
    assert.deepEqual(diagnostics, []);
    const [, withAlias, without] = file.statements;
    assert.ok(withAlias.kind === "useGraph" && without.kind === "useGraph");
    assert.equal(withAlias.path, "./geo.graph");
    assert.equal(withAlias.alias?.text, "geo");
    assert.equal(without.alias, undefined);
  });
  test("pin is an option with a string value", () => {
    assert.deepEqual(node('node a = f() [pin: "./pins/a.json"]').options.map((o) => [o.key.text, o.value]), [["pin", { kind: "string", value: "./pins/a.json", text: '"./pins/a.json"' }]]);
  });
  test("the options' brackets have a range (where an edit of the options starts); none without options", () => {
    // node() parses the line after "graph g\n".
    const at = (column: number) => "graph g\n".length + column;
    const line = "node a = f() when x  [retry: 2]";
    const range = node(line).optionsRange;
    assert.deepEqual(range && [range.startOffset, range.endOffset], [at(line.indexOf("[")), at(line.length)]);
    assert.equal(node("node a = f() []").optionsRange?.endOffset, at("node a = f() []".length));
    assert.equal(node("node a = f()").optionsRange, undefined);
  });
});

describe("v2 syntax errors", () => {
  test("each at its place, and later statements still parse", () => {
    const text = [
      "graph g",
      "node a = f(map map x)",
      "node b = f(x) when",
      "node c = f(x) when a < b < c",
      "node d = f(x) [retry: 1] when x",
      "node e = f(x) when (a or b",
      "node h = f(x) when a ==",
      "node i = f(x?.y)",
      "node j = f(x) when !a",
      "use graph x",
      "node k = f(map: x)",
      "node l = f(x) when a == not b",
      "output a",
    ].join("\n");
    assert.deepEqual(errors(text), [
      "2:16 expected an argument (a name or a JSON value), found 'map'",
      "3:19 expected a condition after 'when', found end of line",
      "4:26 comparisons do not chain: write 'a < b and b < c', found a second '<'",
      "5:26 the 'when' condition goes before the options: node NAME = CALL when CONDITION [OPTIONS]",
      "6:27 expected ')' to close the condition's '(', found end of line",
      "7:24 expected a name, a JSON value or '(' in the condition, found end of line",
      "8:14 '?' goes at the end of the reference (a.b.c?), not inside it",
      "9:20 unexpected '!': write 'not' to negate, '!=' to compare",
      "9:20 expected a name, a JSON value or '(' in the condition, found '!'",
      "10:11 expected the graph file's path in double quotes after 'use graph', found 'x'",
      "11:12 'map' is a keyword and cannot be used as an argument name",
      "12:25 expected a name, a JSON value or '(' in the condition, found 'not'",
    ]);
    const names = parse(text).file.statements.flatMap((s) => ("name" in s ? [s.name.text] : []));
    assert.deepEqual(names, ["g", "a", "b", "c", "d", "e", "h", "i", "j", "k", "l"]);
  });
  test("the new keywords are not names", () => {
    assert.deepEqual(errors("graph g\ninput map\nnode when = f()\nloop and { }\nnode x = or()"), [
      "2:7 'map' is a keyword and cannot be used as an input's name",
      "3:6 'when' is a keyword and cannot be used as a node's name",
      "4:6 'and' is a keyword and cannot be used as a loop's name",
      "5:10 'or' is a keyword and cannot be used as a function name",
    ]);
  });
});
