// Input no one writes by hand but an editor or a tool may hand us: nesting deep enough to
// overflow a recursive parser, and files with millions of problems. Each gets one clear
// diagnostic with a range, and the number of diagnostics per file is capped.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { checkText } from "../../src/graph/checker";
import { Code, MAX_DIAGNOSTICS_PER_FILE } from "../../src/graph/diagnostics";
import { formatGraph } from "../../src/graph/formatter";
import { MAX_NESTING_DEPTH, parse } from "../../src/graph/parser";

describe("deep nesting", () => {
  test("100,000 '[' in a literal is one nesting error at the bracket that goes too deep", () => {
    const text = `graph g\ninput a = ${"[".repeat(100_000)}\ninput b = 1\n`;
    const result = checkText(text, { path: "deep.graph" });
    const nesting = result.diagnostics.filter((d) => d.code === Code.NestingTooDeep);
    assert.equal(nesting.length, 1, JSON.stringify(result.diagnostics));
    const column = "input a = ".length + MAX_NESTING_DEPTH;
    assert.deepEqual(nesting[0].range.start, { line: 1, character: column });
    assert.deepEqual(nesting[0].range.end, { line: 1, character: column + 1 });
    assert.match(nesting[0].message, new RegExp(`nested more than ${MAX_NESTING_DEPTH} deep`));
    // The statements after it still parse.
    assert.ok(result.symbols.has("b"));
  });

  test("objects nest too, and a literal at the limit is still fine", () => {
    const deepObject = `${'{"k": '.repeat(MAX_NESTING_DEPTH + 1)}1${"}".repeat(MAX_NESTING_DEPTH + 1)}`;
    assert.deepEqual(
      parse(`graph g\ninput a = ${deepObject}\n`).diagnostics.map((d) => d.code),
      [Code.NestingTooDeep],
    );
    const atLimit = `${"[".repeat(MAX_NESTING_DEPTH)}1${"]".repeat(MAX_NESTING_DEPTH)}`;
    assert.deepEqual(parse(`graph g\ninput a = ${atLimit}\nnode n = f(${atLimit})\n`).diagnostics, []);
  });

  test("a `when` condition nests too: parentheses, `not`, and long chains of `and`/`or`", () => {
    for (const condition of [`${"(".repeat(50_000)}a${")".repeat(50_000)}`, `${"not ".repeat(50_000)}a`, Array(50_000).fill("a == 1").join(" and ")]) {
      const codes = checkText(`graph g\ninput a\nnode n = f(a) when ${condition}\ninput b\n`, { path: "deep.graph" }).diagnostics.map((d) => d.code);
      assert.ok(codes.includes(Code.NestingTooDeep), `no SG004 for ${condition.slice(0, 20)}…: ${codes.join(", ")}`);
    }
    const atEase = `graph g\ninput a\nnode n = f(a) when ${Array(40).fill("(not a == 1)").join(" or ")}\n`;
    assert.deepEqual(parse(atEase).diagnostics, [], "a long but reasonable condition is fine");
  });

  test("the formatter does not recurse into deep nesting either", () => {
    const result = formatGraph(`graph g\nnode n = f(${"[".repeat(100_000)})\n`);
    assert.equal(result.ok, false);
  });
});

describe("a file with more problems than anyone reads", () => {
  test(`at most ${MAX_DIAGNOSTICS_PER_FILE} diagnostics, then one saying how many more there are`, () => {
    const lines = 20_000;
    const text = `graph g\n${"@ x\n".repeat(lines)}`;
    const { diagnostics } = checkText(text, { path: "junk.graph" });
    assert.equal(diagnostics.length, MAX_DIAGNOSTICS_PER_FILE + 1);
    const summary = diagnostics[diagnostics.length - 1];
    assert.equal(summary.code, Code.TooManyProblems);
    assert.equal(summary.severity, "error");
    // Each junk line is one lexer error and one parser error.
    const more = 2 * lines - MAX_DIAGNOSTICS_PER_FILE;
    assert.equal(summary.message, `${more} more problems not shown (at most ${MAX_DIAGNOSTICS_PER_FILE} are reported per file)`);
    // The summary sits where the first problem not shown is, after every one shown.
    const shownLast = diagnostics[diagnostics.length - 2];
    assert.ok(summary.range.startOffset >= shownLast.range.startOffset);
    assert.deepEqual(summary.range.start, { line: 1 + MAX_DIAGNOSTICS_PER_FILE / 2, character: 0 });
  });

  test("rule errors count towards the cap too, and a file under it is not capped", () => {
    const duplicates = `graph g\n${"input a\n".repeat(MAX_DIAGNOSTICS_PER_FILE + 11)}`;
    const { diagnostics } = checkText(duplicates, { path: "dup.graph" });
    assert.equal(diagnostics.length, MAX_DIAGNOSTICS_PER_FILE + 1);
    assert.match(diagnostics[MAX_DIAGNOSTICS_PER_FILE].message, /^10 more problems not shown/);
    const few = checkText(`graph g\n${"input a\n".repeat(MAX_DIAGNOSTICS_PER_FILE)}`, { path: "few.graph" });
    assert.equal(few.diagnostics.length, MAX_DIAGNOSTICS_PER_FILE - 1);
    assert.ok(few.diagnostics.every((d) => d.code === Code.DuplicateName));
  });
});
