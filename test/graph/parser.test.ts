// The lexer and parser: the tree of a good file, and every syntax error of a bad one at
// its exact position, with later statements still parsed.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { NodeStatement } from "../../src/graph/ast";
import { parse } from "../../src/graph/parser";

function errors(text: string): string[] {
  return parse(text).diagnostics.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.message}`);
}

describe("parsing a good file", () => {
  const text = [
    "// orders",
    "graph orders",
    'use "./nodes/orders.ts"',
    'use "./nodes/pricing.ts" as pricing',
    "input order",
    'input currency = "EUR"',
    'input limits = { "max": [1, 2.5e3, -4], "on": true, "x": null }',
    "node fetched = fetchOrder(order.id, order.items.0)",
    "node priced  = pricing.quote(",
    "  fetched,",
    '  "en",',
    ")   [retry: 3, backoff: 2s, timeout: 5s, cache: off]",
    "output priced",
    "loop intake {",
    "  fetched,",
    "  priced",
    "} [concurrency: 4]",
  ].join("\n");
  const { file, diagnostics } = parse(text);

  test("has no diagnostics and every statement", () => {
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(
      file.statements.map((s) => s.kind),
      ["graph", "use", "use", "input", "input", "input", "node", "node", "output", "loop"],
    );
    assert.equal(file.comments.length, 1);
  });

  test("reads JSON defaults, references with paths, aliases and options", () => {
    const limits = file.statements[5];
    assert.ok(limits.kind === "input");
    assert.deepEqual(limits.default?.value, { max: [1, 2500, -4], on: true, x: null });
    const fetched = file.statements[6] as NodeStatement;
    assert.deepEqual(
      fetched.call?.args.map((a) => (a.kind === "ref" ? [a.root.text, ...a.path] : a.value)),
      [["order", "id"], ["order", "items", 0]],
    );
    const priced = file.statements[7] as NodeStatement;
    assert.equal(priced.call?.callee.alias?.text, "pricing");
    assert.deepEqual(
      priced.options.map((o) => [o.key.text, o.value]),
      [
        ["retry", { kind: "number", value: 3, text: "3" }],
        ["backoff", { kind: "duration", ms: 2000, text: "2s" }],
        ["timeout", { kind: "duration", ms: 5000, text: "5s" }],
        ["cache", { kind: "word", text: "off" }],
      ],
    );
  });

  test("ranges point at the source text", () => {
    const priced = file.statements[7] as NodeStatement;
    assert.equal(text.slice(priced.name.range.startOffset, priced.name.range.endOffset), "priced");
    assert.deepEqual(priced.name.range.start, { line: 8, character: 5 });
    assert.equal(priced.range.end.line, 11, "a multi-line statement ends on its last line");
    const loop = file.statements[9];
    assert.ok(loop.kind === "loop");
    assert.deepEqual(loop.members.map((m) => m.text), ["fetched", "priced"]);
    assert.deepEqual([loop.bodyRange?.start.line, loop.bodyRange?.end.line], [13, 16]);
  });
});

describe("syntax errors", () => {
  test("every bad statement is reported and the good ones between them still parse", () => {
    const text = ["graph g", "node = f(x)", "node a = f(x", "input 3", "node b = f(a)", "banana", "node c = f(b) [retry 3]", "output b"].join("\n");
    assert.deepEqual(errors(text), [
      "2:6 expected the node's name, found '='",
      "3:13 expected ',' or ')', found end of line",
      "4:7 expected the input's name, found '3'",
      "6:1 expected a statement (graph, use, input, node, output or loop), found 'banana'",
      "7:22 expected ':' after 'retry', found '3'",
    ]);
    const names = parse(text).file.statements.flatMap((s) => ("name" in s ? [s.name.text] : []));
    assert.deepEqual(names, ["g", "a", "b", "c"], "a statement whose name was read is kept");
  });

  test("an unclosed bracket does not swallow the next statement", () => {
    assert.deepEqual(errors(["graph g", "node a = f(", "  x,", "node b = f(a)"].join("\n")), [
      "3:5 expected an argument or ')', found end of line",
    ]);
    const { file } = parse(["graph g", "node a = f(", "  x,", "node b = f(a)"].join("\n"));
    assert.equal(file.statements.length, 3);
    assert.equal((file.statements[2] as NodeStatement).call?.args.length, 1);
  });

  test("lexical errors: strings, escapes, durations, characters", () => {
    assert.deepEqual(errors(['graph g', 'input a = "open', 'input b = "bad \\q escape"', "node c = f() [timeout: 5x]", "node d = f() [timeout: 1.5s]", "node e = f(#)"].join("\n")), [
      "2:11 unterminated string: missing closing '\"'",
      "3:16 invalid escape '\\q' in string",
      "4:24 invalid duration '5x': the unit must be ms, s, m, h or d",
      "5:24 invalid duration '1.5s': a duration is a whole number followed by its unit",
      "6:12 unexpected character '#'",
      "6:12 expected an argument (a name or a JSON value), found '#'",
    ]);
  });

  test("keywords are not names", () => {
    assert.deepEqual(errors("graph g\nnode input = f()\nloop node { }"), [
      "2:6 'input' is a keyword and cannot be used as a node's name",
      "3:6 'node' is a keyword and cannot be used as a loop's name",
    ]);
  });

  test("JSON literals are strict JSON", () => {
    assert.deepEqual(errors('graph g\ninput a = {x: 1}\ninput b = [1, 2,]\ninput c = 01'), [
      "2:12 expected a JSON key in double quotes, found 'x'",
      "3:17 expected a JSON value, found ']'",
      "4:12 expected end of line, found '1'",
    ]);
  });

  test("CRLF line endings count lines like LF", () => {
    assert.deepEqual(errors("graph g\r\nnode a = f(\r\ninput 3"), ["2:12 expected an argument or ')', found end of line", "3:7 expected the input's name, found '3'"]);
  });

  test("a path segment after '.' is a name or an index", () => {
    const { file, diagnostics } = parse("graph g\nnode a = f(x.items.0.1, y.node)");
    assert.deepEqual(diagnostics, []);
    const args = (file.statements[1] as NodeStatement).call?.args ?? [];
    assert.deepEqual(args.map((a) => (a.kind === "ref" ? a.path : [])), [["items", 0, 1], ["node"]]);
  });
});
