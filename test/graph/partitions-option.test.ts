// The graph's option `graph NAME [partitions: N]` (docs/language.md, "Options"): parsed
// like any options, checked (a whole number from 1 to MAX_PARTITIONS; unknown graph options
// and repeats are errors), carried by the model (default 1), and formatted.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Code } from "../../src/graph/diagnostics";
import { formatGraph } from "../../src/graph/formatter";
import { MAX_PARTITIONS } from "../../src/graph/options";
import { parse } from "../../src/graph/parser";
import { check, found, lines } from "./check-helpers";

const body = ['use "./nodes.ts"', "input id", "node a = fetchOrder(id)"];

describe("graph NAME [partitions: N]", () => {
  test("parsed as the graph statement's options; the statement covers them", () => {
    const { file, diagnostics } = parse(lines("graph g [partitions: 4]", ...body));
    assert.deepEqual(diagnostics, []);
    const graph = file.statements[0];
    assert.equal(graph.kind, "graph");
    if (graph.kind !== "graph") return;
    assert.deepEqual(
      graph.options.map((o) => [o.key.text, o.value.text]),
      [["partitions", "4"]],
    );
    assert.deepEqual([graph.optionsRange?.start.character, graph.optionsRange?.end.character, graph.range.end.character], [8, 23, 23]);
  });

  test("the model carries it; without it the graph has one partition", () => {
    assert.equal(check(lines("graph g [partitions: 4]", ...body)).graph?.partitions, 4);
    assert.equal(check(lines(`graph g [partitions: ${MAX_PARTITIONS}]`, ...body)).graph?.partitions, MAX_PARTITIONS);
    assert.equal(check(lines("graph g [partitions: 1]", ...body)).graph?.partitions, 1);
    assert.equal(check(lines("graph g", ...body)).graph?.partitions, 1);
  });

  test("a value that is not a whole number from 1 to the maximum is an error at the value, saying the range", () => {
    for (const value of ["0", "-1", `${MAX_PARTITIONS + 1}`, "1.5", '"4"', "4s", "many"]) {
      const text = lines(`graph g [partitions: ${value}]`, ...body);
      assert.deepEqual(found(text), [`1:22 ${Code.BadOptionValue}`], value);
      assert.equal(check(text).diagnostics[0].message, `'partitions' takes a whole number of partitions, 1 to ${MAX_PARTITIONS}, not '${value}'`);
      assert.equal(check(text).graph, undefined, "a graph with errors has no model");
    }
  });

  test("an unknown graph option, or one given twice, is an error naming the graph's options", () => {
    const unknown = lines("graph g [concurrency: 4]", ...body);
    assert.deepEqual(found(unknown), [`1:10 ${Code.UnknownOption}`]);
    assert.match(check(unknown).diagnostics[0].message, /unknown graph option 'concurrency' \(graph options: partitions\)/);
    assert.deepEqual(found(lines("graph g [partitions: 2, partitions: 3]", ...body)), [`1:25 ${Code.DuplicateOption}`]);
    // and the graph's option is not a loop's or a node's
    assert.deepEqual(found(lines("graph g", ...body, "loop l { a } [partitions: 2]")), [`5:15 ${Code.UnknownOption}`]);
  });

  test("a syntax error inside the options is one error; the graph keeps its name", () => {
    const result = check(lines("graph g [partitions 4]", ...body));
    assert.deepEqual(
      result.diagnostics.map((d) => d.code),
      [Code.Syntax],
    );
    assert.match(result.diagnostics[0].message, /expected ':' after 'partitions'/);
  });

  test("formatted with the house spacing, and formatting twice changes nothing", () => {
    const formatted = formatGraph(lines("graph   g   [ partitions :4 ]", ...body));
    assert.deepEqual(formatted, { ok: true, text: lines("graph g [partitions: 4]", ...body) });
    assert.deepEqual(formatGraph(formatted.ok ? formatted.text : ""), formatted);
  });
});
