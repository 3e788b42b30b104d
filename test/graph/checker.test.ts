// Every checker rule of docs/language.md (version 1; version 2 in checker-v2.test.ts), each shown firing and each shown not firing on
// the nearest correct graph; each reported on the right line and column.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Code } from "../../src/graph/diagnostics";
import { check, found, lines } from "./check-helpers";

const header = ['graph g', 'use "./nodes.ts"', "input id"];

describe("graph statement", () => {
  test("a file with one leading graph statement is clean", () => {
    assert.deepEqual(found(lines(...header, "node a = fetchOrder(id)")), []);
  });
  test("a missing graph statement", () => {
    assert.deepEqual(found(lines('use "./nodes.ts"', "input id", "node a = fetchOrder(id)")), [`1:1 ${Code.MissingGraph}`]);
  });
  test("an empty file misses its graph statement", () => {
    assert.deepEqual(found(""), [`1:1 ${Code.MissingGraph}`]);
  });
  test("a graph statement that is not first, and a second one", () => {
    assert.deepEqual(found(lines('use "./nodes.ts"', "graph g", "graph h")), [`2:1 ${Code.MisplacedGraph}`, `3:1 ${Code.MisplacedGraph}`]);
  });
});

describe("duplicate names", () => {
  test("inputs, nodes and loops share one namespace", () => {
    const text = lines(...header, "node id = fetchOrder(id)", "node a = fetchOrder(id)", "node a = fetchOrder(id)", "loop a { }");
    assert.deepEqual(found(text), [`4:6 ${Code.DuplicateName}`, `6:6 ${Code.DuplicateName}`, `7:6 ${Code.DuplicateName}`]);
    assert.match(check(text).diagnostics[0].message, /already declared as an input on line 3/);
  });
  test("distinct names are fine", () => {
    assert.deepEqual(found(lines(...header, "node a = fetchOrder(id)", "node b = fetchOrder(id)", "loop l { a, b }")), []);
  });
});

describe("references", () => {
  test("an unknown name, with a suggestion", () => {
    const text = lines(...header, "node order = fetchOrder(id)", "node b = double(ordr.total)");
    assert.deepEqual(found(text), [`5:17 ${Code.UnknownReference}`]);
    assert.match(check(text).diagnostics[0].message, /unknown name 'ordr'.*did you mean 'order'/);
  });
  test("a loop is not a value", () => {
    assert.deepEqual(found(lines(...header, "node a = fetchOrder(id)", "node b = double(l)", "loop l { a, b }")), [`5:17 ${Code.UnknownReference}`]);
  });
  test("property paths into inputs and nodes resolve", () => {
    assert.deepEqual(found(lines(...header, "node a = fetchOrder(id.value.0)", "node b = double(a.total)")), []);
  });
});

describe("modules and calls", () => {
  test("a module that does not exist", () => {
    assert.deepEqual(found(lines("graph g", 'use "./missing.ts"', "node a = f()")), [`2:5 ${Code.ModuleNotFound}`]);
  });
  test("a module of an unsupported kind", () => {
    assert.deepEqual(found(lines("graph g", 'use "./not-a-module.json"', "node a = f()")), [`2:5 ${Code.UnsupportedModule}`]);
  });
  test("an unknown alias", () => {
    const text = lines("graph g", 'use "./nodes.ts" as n', "node a = m.fetchOrder(1)");
    assert.deepEqual(found(text), [`3:10 ${Code.UnknownAlias}`]);
    assert.deepEqual(found(lines("graph g", 'use "./nodes.ts" as n', "node a = n.fetchOrder(1)")), []);
  });
  test("a repeated alias", () => {
    assert.deepEqual(found(lines("graph g", 'use "./nodes.ts" as n', 'use "./more.ts" as n', "node a = n.double(1)")), [`3:20 ${Code.DuplicateAlias}`]);
  });
  test("an unknown export, bare and through an alias", () => {
    const text = lines("graph g", 'use "./nodes.ts"', 'use "./more.ts" as more', "node a = fetchOrdr(1)", "node b = more.quadruple(a)");
    assert.deepEqual(found(text), [`4:10 ${Code.UnknownExport}`, `5:15 ${Code.UnknownExport}`]);
    assert.match(check(text).diagnostics[0].message, /did you mean 'fetchOrder'/);
  });
  test("two alias-less modules exporting the called name", () => {
    const text = lines("graph g", 'use "./nodes.ts"', 'use "./more.ts"', "node a = double(1)", "node b = triple(a)");
    assert.deepEqual(found(text), [`4:10 ${Code.AmbiguousFunction}`]);
    assert.deepEqual(found(lines("graph g", 'use "./nodes.ts"', 'use "./more.ts" as more', "node a = double(1)", "node b = more.double(a)")), []);
  });
  test("an export that is not a function", () => {
    assert.deepEqual(found(lines("graph g", 'use "./nodes.ts"', "node a = TAX_RATE()")), [`3:10 ${Code.NotAFunction}`]);
  });
  test("more arguments than declared is a warning; a rest parameter takes any number", () => {
    const text = lines("graph g", 'use "./nodes.ts"', "node a = double(1, 2)", "node b = all(a, 1, 2, 3)", "node c = sum(a, b, 3)");
    const diagnostics = check(text).diagnostics;
    assert.deepEqual(found(text), [`3:10 ${Code.TooManyArguments}`]);
    assert.equal(diagnostics[0].severity, "warning");
    assert.match(diagnostics[0].message, /declares 1 parameter but is called with 2 arguments/);
  });
});

describe("cycles", () => {
  test("a cycle among nodes lists it", () => {
    const text = lines("graph g", 'use "./nodes.ts"', "node a = double(c)", "node b = double(a)", "node c = double(b)");
    assert.deepEqual(found(text), [`3:6 ${Code.NodeCycle}`]);
    assert.match(check(text).diagnostics[0].message, /a → b → c → a/);
  });
  test("a node that uses itself", () => {
    assert.deepEqual(found(lines("graph g", 'use "./nodes.ts"', "node a = double(a)")), [`3:6 ${Code.NodeCycle}`]);
  });
  test("a diamond is not a cycle", () => {
    assert.deepEqual(found(lines("graph g", 'use "./nodes.ts"', "node a = double(1)", "node b = double(a)", "node c = double(a)", "node d = sum(b, c)")), []);
  });
});

describe("loops", () => {
  const body = ["graph g", 'use "./nodes.ts"', "node a = double(1)", "node b = double(a)", "node c = double(b)"];
  test("a node in two loops", () => {
    assert.deepEqual(found(lines(...body, "loop x { a, b }", "loop y { b, c }")), [`7:10 ${Code.NodeInTwoLoops}`]);
  });
  test("a loop member that is not a node", () => {
    assert.deepEqual(found(lines(...body, "input i", "loop x { a, i, zz }")), [`7:13 ${Code.LoopMemberNotNode}`, `7:16 ${Code.LoopMemberNotNode}`]);
  });
  test("loops whose dependencies form a cycle", () => {
    const text = lines(...body, "loop x { a, c }", "loop y { b }");
    assert.deepEqual(found(text), [`6:6 ${Code.LoopCycle}`]);
    assert.match(check(text).diagnostics[0].message, /x → y → x/);
  });
  test("the implicit loop main takes part in loop cycles", () => {
    assert.deepEqual(found(lines(...body, "loop x { b }")), [`6:6 ${Code.LoopCycle}`]);
  });
  test("loops in order, with the rest in main, are fine", () => {
    const result = check(lines(...body, "loop x { b, c }"));
    assert.deepEqual(result.diagnostics, []);
    assert.deepEqual(
      result.graph?.loops.map((l) => [l.name, l.nodes, l.upstream]),
      [
        ["main", ["a"], []],
        ["x", ["b", "c"], ["main"]],
      ],
    );
  });
});

describe("options", () => {
  test("valid node and loop options", () => {
    const text = lines(...header, "node a = fetchOrder(id) [cache: 1h, retry: 3, backoff: 500ms, timeout: 5s]", "node b = double(a.total) [cache: off]", "node c = double(b) [cache: forever]", "loop l { a, b, c } [concurrency: 4]");
    const result = check(text);
    assert.deepEqual(result.diagnostics, []);
    assert.deepEqual(result.graph?.nodesByName.get("a")?.options, { cache: { kind: "ttl", ms: 3_600_000 }, retry: 3, backoffMs: 500, timeoutMs: 5000 });
    assert.deepEqual(result.graph?.loops[0].options, { concurrency: 4 });
  });
  test("an unknown option, on a node and on a loop", () => {
    assert.deepEqual(found(lines(...header, "node a = fetchOrder(id) [retries: 3]", "loop l { a } [cache: 1h]")), [`4:26 ${Code.UnknownOption}`, `5:15 ${Code.UnknownOption}`]);
  });
  test("a value of the wrong kind", () => {
    const text = lines(...header, 'node a = fetchOrder(id) [cache: "1h", retry: 1.5, timeout: 5, backoff: 0s]', "loop l { a } [concurrency: 0]");
    assert.deepEqual(found(text), [`4:33 ${Code.BadOptionValue}`, `4:46 ${Code.BadOptionValue}`, `4:60 ${Code.BadOptionValue}`, `4:72 ${Code.BadOptionValue}`, `5:28 ${Code.BadOptionValue}`]);
  });
  test("an option given twice", () => {
    assert.deepEqual(found(lines(...header, "node a = fetchOrder(id) [retry: 1, retry: 2]")), [`4:36 ${Code.DuplicateOption}`]);
  });
});

describe("outputs and unused nodes", () => {
  test("a node nobody uses that is not an output is a warning", () => {
    const text = lines(...header, "node a = fetchOrder(id)", "node b = double(a.total)", "node c = double(a.total)", "output b");
    assert.deepEqual(found(text), [`6:6 ${Code.UnusedNode}`]);
    assert.equal(check(text).diagnostics[0].severity, "warning");
    assert.deepEqual(found(lines(...header, "node a = fetchOrder(id)", "node b = double(a.total)", "node c = double(a.total)", "output b, c")), []);
  });
  test("without output, every unused node is an output", () => {
    const result = check(lines(...header, "node a = fetchOrder(id)", "node b = double(a.total)", "node c = double(a.total)"));
    assert.deepEqual(result.diagnostics, []);
    assert.deepEqual(result.graph?.outputs, ["b", "c"]);
  });
  test("an output must be a declared node", () => {
    assert.deepEqual(found(lines(...header, "node a = fetchOrder(id)", "output a, id, nope")), [`5:11 ${Code.OutputNotNode}`, `5:15 ${Code.UnknownReference}`]);
  });
});

describe("the model", () => {
  test("nodes run in topological order with ties broken by line", () => {
    const text = lines("graph g", 'use "./nodes.ts"', "node d = sum(b, c)", "node c = double(a)", "node b = double(a)", "node a = double(1)");
    const graph = check(text).graph;
    assert.deepEqual(graph?.nodes.map((n) => n.name), ["a", "c", "b", "d"]);
    assert.deepEqual(graph?.nodesByName.get("d")?.dependencies, ["b", "c"]);
    assert.deepEqual(graph?.nodesByName.get("a")?.dependents, ["c", "b"]);
  });
  test("inputs, defaults and argument kinds", () => {
    const graph = check(lines("graph g", 'use "./nodes.ts"', "input id", 'input currency = "EUR"', 'node a = fetchOrder(id.x.0)', 'node b = sum(a.total, 2)')).graph;
    assert.deepEqual(graph?.inputs.map((i) => [i.name, i.hasDefault, i.default]), [["id", false, undefined], ["currency", true, "EUR"]]);
    assert.deepEqual(graph?.nodesByName.get("a")?.args, [{ kind: "input", name: "id", path: ["x", 0], text: "id.x.0" }]);
    assert.deepEqual(graph?.nodesByName.get("b")?.args[1], { kind: "literal", value: 2, text: "2" });
    assert.equal(graph?.nodesByName.get("a")?.function.parameters[0].name, "id");
  });
  test("no model while there are errors", () => {
    assert.equal(check(lines(...header, "node a = fetchOrder(nope)")).graph, undefined);
  });
});
